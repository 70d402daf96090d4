import {
  callerExpected,
  checkDeadlines,
  examineBatch,
  subsystemResolver,
  validateDirectTargets,
  validateSweepBatch,
  verifyArrival,
  verifyEventRecords,
  type ArrivalDeps,
  type ChecksumVerifyConfig,
  type FanoutResult,
} from '#lib/integrity/index.ts';
import { json, readJson, type FunctionDeps, type Handler } from '#lib/runtime/index.ts';
import { checkObjectKey } from '#lib/storage/index.ts';

export { checksumVerifyConfigSchema as configSchema, type ChecksumVerifyConfig } from '#lib/integrity/index.ts';

const hasKey = (body: unknown, key: string) => typeof body === 'object' && body !== null && key in body;

/**
 * createHandler builds checksum-verify's edge: MinIO/S3 object events (or `{bucket,key}` calls) in, verdicts out.
 * Events this function causes itself (tagging, copies into quarantine) are acknowledged and ignored.
 */
export function createHandler(
  deps: Pick<FunctionDeps<ChecksumVerifyConfig>, 'config' | 'store' | 'state' | 'alerts' | 'clock' | 'log'>,
): Handler {
  const subsystemOf = subsystemResolver(deps.config.SUBSYSTEM_MAP);
  return async (req, ctx) => {
    if (ctx.topic === 'cron-function') {
      const report = await checkDeadlines(
        { store: deps.store, state: deps.state, alerts: deps.alerts, subsystemOf },
        ctx.now(),
        deps.config.CHECKSUM_DEADLINE_MINUTES,
        { signal: ctx.signal },
      );
      return json({ tick: true, ...report });
    }
    const body = await readJson(req);
    const arrival: ArrivalDeps = {
      store: deps.store,
      state: deps.state,
      alerts: deps.alerts,
      now: ctx.now,
      log: ctx.log,
      subsystemOf,
      quarantineBucket: deps.config.QUARANTINE_BUCKET,
      etagPrefixes: deps.config.CHECKSUM_ETAG_PREFIXES,
    };
    if (hasKey(body, 'Records')) return json({ results: await verifyEventRecords(body, arrival, ctx.log, ctx.signal) });
    if (hasKey(body, 'sweep')) {
      // A batch of a fanned-out integrity sweep (posted to /async-function/checksum-verify): re-prove and report.
      const { sweep } = validateSweepBatch(body);
      const stores = { store: deps.store, state: deps.state };
      const out = await examineBatch(stores, sweep.items, sweep.staleBefore, 2, ctx.signal);
      const { runId, batch } = sweep;
      return json({
        runId,
        batch,
        examined: out.examined,
        bytes: out.bytes,
        drifts: out.drifts,
      } satisfies FanoutResult);
    }
    const direct = validateDirectTargets(body);
    const targets = Array.isArray(direct) ? direct : [direct];
    targets.forEach((t, i) => checkObjectKey(t.key, Array.isArray(direct) ? `/${i}/key` : '/key'));
    const results = [];
    for (const { bucket, key, expected } of targets) {
      const result = await verifyArrival({ bucket, key, ...callerExpected(expected) }, arrival, ctx.signal);
      if ('verdict' in result && result.verdict === 'vanished') {
        // A caller asking by name gets a 404; events for vanished objects are answered 200 so MinIO's queue moves on.
        const message = `object ${bucket}/${key} does not exist`;
        const error = { code: 'OBJECT_NOT_FOUND', message, details: [{ field: 'key', reason: 'not found' }] };
        return json({ error }, 404);
      }
      results.push(result);
    }
    return json({ results });
  };
}
