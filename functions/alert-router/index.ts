import { isPublicPath } from '#lib/alerting/router/index.ts';
import { keepReplicaSlot } from '#lib/alerting/router/replica-slot.ts';
import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, haModeAtStart, replicaAtStart, type AlertRouterConfig } from './handler.ts';

await startFunction<AlertRouterConfig>({
  name: 'alert-router',
  configSchema,
  async build(deps) {
    const refuse = (err: unknown): never => {
      // a pair on a store without conditional writes, no store to probe, no free replica slot: exit with the reason
      deps.log.fatal({ err }, `alert-router refuses to start: ${(err as Error).message}`);
      deps.log.flush();
      process.exit(1);
    };
    const now = () => deps.clock.millis();
    const pair = await haModeAtStart(deps.config, deps.store, deps.log).catch(refuse);
    const replica = pair ? await replicaAtStart(deps.config, deps.state, now, deps.log).catch(refuse) : undefined;
    const handler = createHandler({
      ...deps,
      pair,
      ...(replica ? { replica: replica.replica } : {}),
      ackKey: () => deps.secrets.find('cmp-ops-ack-key')?.reveal(),
    });
    if (!replica?.slot) return handler;
    const releaseSlot = keepReplicaSlot(replica.slot, {
      intervalMs: Math.floor((deps.config.HA_SLOT_TTL_MS ?? 30000) / 3),
      now,
      onLost: () =>
        refuse(new Error(`replica slot ${replica.replica} was taken over: this pod was silent past its lease`)),
    });
    const settle = handler.settle;
    handler.settle = async () => {
      await settle?.();
      await releaseSlot(); // after the last write: the pod that takes the slot next reads a settled state
    };
    return handler;
  },
  isPublic: isPublicPath,
});
