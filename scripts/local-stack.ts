// npm start: the whole cmp-ops stack on this machine (see README "Local stack").
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startLocalStack } from './local-stack/stack.ts';

const root = resolve(import.meta.dirname, '..');
const started = performance.now();
const env = process.env;
if (!env.SKIP_BUILD) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const stack = await startLocalStack({
  root,
  dataDir: resolve(env.DATA_DIR ?? join(root, '.data')),
  s3Port: Number(env.S3_PORT ?? new URL(env.S3_ENDPOINT ?? 'http://127.0.0.1:9000').port ?? 9000),
  gatewayPort: Number(env.GATEWAY_PORT ?? 8080),
  accessKey: env.S3_ACCESS_KEY ?? 'minioadmin',
  secretKey: env.S3_SECRET_KEY ?? 'minioadmin',
  ...(env.CMP_OPS_INVOKE_TOKEN ? { token: env.CMP_OPS_INVOKE_TOKEN } : {}),
  seedDemo: env.SEED_DEMO !== '0',
  ...(env.CMP_OPS_CONSOLE_PASSWORD ? { consolePassword: env.CMP_OPS_CONSOLE_PASSWORD } : {}),
  // the demo routing pages the on-call person for critical alerts and escalates until the console acknowledges
  functionEnv: {
    // checksum-verify sends a mismatch once, without endsAt: the demo's alert stays firing for a day, not 5 minutes
    'alert-router': {
      ROUTING_CONFIG: `file:${join(root, 'config', 'local', 'alertmanager.yml')}`,
      RESOLVE_TIMEOUT_MS: '86400000',
    },
    'ops-console': { ROUTING_CONFIG: `file:${join(root, 'config', 'local', 'alertmanager.yml')}` },
  },
  timers: env.TIMERS !== '0',
  // S3_BACKEND=rgw: Ceph RGW (Debian's ceph-mon, ceph-osd, radosgw) on the same port and keys, delivering its own events
  ...(env.S3_BACKEND === 'rgw' ? { s3Backend: 'rgw' as const } : {}),
});
const ms = Math.round(performance.now() - started);
console.log(`
cmp-ops local stack ready in ${ms} ms
  S3 (${env.S3_BACKEND === 'rgw' ? 'Ceph RGW' : 's3rver'})${env.S3_BACKEND === 'rgw' ? '' : '   '} ${stack.s3Endpoint}   key ${env.S3_ACCESS_KEY ?? 'minioadmin'}   buckets inbox, quarantine, reports, cmp-ops-state
  gateway       ${stack.gatewayUrl}/function/<name>   /async-function/<name>   /healthz
  functions     ${stack.functions.map((f) => f.name).join(', ')}
  invoke token  ${env.CMP_OPS_INVOKE_TOKEN ? '(from CMP_OPS_INVOKE_TOKEN)' : `${stack.token}   (also in ${join(stack.dataDir, 'invoke-token')})`}
  kube API      ${stack.kube.url}   (stand-in serving a demo cluster; KUBECONFIG=${join(stack.dataDir, 'kubeconfig')})
  vCenter       ${stack.vcenter.url}   (stand-in over HTTPS: one expected VM off, one datastore nearly full)
  notifications ${stack.notificationsFile}${
    stack.console
      ? `
  console       ${stack.console.url}   user ${stack.console.user}   password ${stack.console.passwordFile ? `${stack.console.password}   (in ${stack.console.passwordFile})` : '(from CMP_OPS_CONSOLE_PASSWORD)'}`
      : ''
  }
  logs          ${join(stack.dataDir, 'logs')}/<function>.log
Upload a file and its .sha256 into s3://inbox/ to see it verified; Ctrl-C stops everything.${env.S3_BACKEND === 'rgw' ? '\nRGW topics are persistent: the first event of a new topic can take up to 30 s, the next ones ~0.1 s.' : ''}
`);
let stopping = false;
const shutdown = (): void => {
  // A second Ctrl-C does not wait for the drain.
  if (stopping) process.exit(130);
  stopping = true;
  console.log('stopping… (Ctrl-C again to quit at once)');
  stack.stop().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`stop failed: ${err.message}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
