import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack } from './local-stack/stack.ts';
const root = '/work/wt/console';
const dataDir = '/tmp/console-dev/data';
mkdirSync(dataDir, { recursive: true });
const stack = await startLocalStack({ root, dataDir, s3Port: 0, gatewayPort: 0, accessKey: 'minioadmin', secretKey: 'minioadmin', seedDemo: true, timers: true, eventRetryMs: 100, consolePassword: 'devpass', only: ['checksum-verify', 'alert-router', 'ops-console', 'installation-watch'], startTimeoutMs: 180000, log: () => undefined,
  functionEnv: Object.fromEntries(['alert-router', 'ops-console'].map((f) => [f, { ROUTING_CONFIG: `file:${join(root, 'config', 'local', 'alertmanager.yml')}` }])) });
await stack.settled();
writeFileSync('/tmp/console-dev/url', `${stack.console!.url}\n${stack.gatewayUrl}\n${stack.token}\n`);
console.log('ready', stack.console!.url);
process.on('SIGTERM', () => stack.stop().then(() => process.exit(0)));
