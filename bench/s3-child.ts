// s3-child runs the embedded S3-protocol server (s3rver, as in the local stack) in a process of its own, so the
// program being measured does not share its event loop, as production does not share MinIO's.
// As a program: tsx bench/s3-child.ts <directory> <accessKey> <secretKey> <bucket>… prints the endpoint.
import { spawn, type ChildProcess } from 'node:child_process';

/** S3Child is a running s3rver process and its endpoint. */
export interface S3Child {
  endpoint: string;
  process: ChildProcess;
  close(): void;
}

/** startS3Child starts s3rver in a child process with files under `directory`, accepting the given key pair. */
export async function startS3Child(
  directory: string,
  keys: { accessKey: string; secretKey: string },
  buckets: string[],
): Promise<S3Child> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, directory, keys.accessKey, keys.secretKey, ...buckets],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before it listened`)));
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
  });
  child.removeAllListeners('exit');
  return { endpoint, process: child, close: () => child.kill() };
}

if (process.argv[1] === import.meta.filename) {
  const [directory, accessKey, secretKey, ...buckets] = process.argv.slice(2);
  const { startEmbeddedS3 } = await import('../scripts/local-stack/s3-server.ts');
  const s3 = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory: directory!,
    accessKey: accessKey!,
    secretKey: secretKey!,
    buckets,
  });
  process.stdout.write(`${s3.endpoint}\n`);
  // the parent holds our stdin: when it ends, even by a crash, the server goes with it
  process.stdin.on('end', () => process.exit(0)).resume();
}
