import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  ALGORITHMS,
  checkEntries,
  hashFile,
  hashStream,
  hintFromName,
  readChecksumText,
  statusLine,
  warningLines,
  type Algorithm,
} from '#lib/checksum/index.ts';
import { parseFlags, UsageError, writeJsonLine, type CliIO } from '../io.ts';

const USAGE = `usage: cmp-ops verify <file|s3://bucket/key>… [--expect ALG:HEX] [--algorithms sha256,md5,…] [--format json|text]
       cmp-ops verify --check MANIFEST [--strict] [--format json|text]`;

// Reading s3:// needs the same connection settings as the functions (env, or the local stack's defaults), loaded only
// then: hashing local files starts without them. One signed GET, no S3 client library.
async function openS3(url: string, io: CliIO): Promise<AsyncIterable<Uint8Array>> {
  const { openObjectFromEnv } = await import('../s3.ts');
  return openObjectFromEnv(url, io);
}

const describe = (err: NodeJS.ErrnoException): Error =>
  new Error(
    err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EISDIR' ? 'Is a directory' : err.message,
  );

async function openLocal(path: string): Promise<AsyncIterable<Uint8Array>> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw describe(err);
  });
  if (info.isDirectory()) throw new Error('Is a directory');
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

// A local file is read into reused blocks, ahead of the hashing (see hashFile), not through a stream of fresh chunks.
async function hashTarget(target: string, algorithms: Algorithm[], io: CliIO) {
  if (target.startsWith('s3://')) return hashStream(await openS3(target, io), algorithms);
  return hashFile(resolve(io.cwd, target), algorithms).catch((err: NodeJS.ErrnoException) => {
    throw err.code ? describe(err) : err;
  });
}

/** run implements `cmp-ops verify`: digests of files and objects, or `--check` of a manifest like `sha256sum -c`. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, ['strict']);
  const one = (name: string) => flags.get(name)?.at(-1);
  const format = one('format') ?? 'json';
  if (format !== 'json' && format !== 'text') throw new UsageError(USAGE);
  const manifest = one('check');
  if (manifest) {
    const path = resolve(io.cwd, manifest);
    const text = await readFile(path, 'utf8').catch(() => {
      throw new UsageError(`cannot read ${manifest}`);
    });
    const items = readChecksumText(text, hintFromName(manifest));
    // Names in a manifest are relative to the current directory, as for sha256sum -c.
    const summary = await checkEntries(
      items,
      (name) => (name.startsWith('s3://') ? openS3(name, io) : openLocal(resolve(io.cwd, name))),
      { strict: flags.has('strict'), sidecarTarget: basename(path).replace(/\.(sha256|sha512|sha1|md5)(sum)?$/i, '') },
    );
    for (const r of summary.results) {
      if (r.status === 'FAILED open or read') io.stderr.write(`cmp-ops: ${r.name}: ${r.error}\n`);
      if (format === 'text') io.stdout.write(`${statusLine(r)}\n`);
      else writeJsonLine(io.stdout, r);
    }
    for (const w of warningLines(summary, 'cmp-ops', manifest)) io.stderr.write(`${w}\n`);
    return summary.results.length === 0 ? 1 : summary.exitCode;
  }
  if (positionals.length === 0) throw new UsageError(USAGE);
  const expect = one('expect');
  let expected: { algorithm: Algorithm; hex: string } | null = null;
  if (expect) {
    const [alg, hex] = expect.split(':') as [string, string | undefined];
    if (!ALGORITHMS.includes(alg as Algorithm) || !hex)
      throw new UsageError(`--expect is ALG:HEX with ALG one of ${ALGORITHMS.join(', ')}`);
    expected = { algorithm: alg as Algorithm, hex: hex.toLowerCase() };
  }
  const algorithms = (one('algorithms')?.split(',') ?? [expected?.algorithm ?? 'sha256']) as Algorithm[];
  if (expected && !algorithms.includes(expected.algorithm)) algorithms.push(expected.algorithm);
  for (const a of algorithms) if (!ALGORITHMS.includes(a)) throw new UsageError(`unknown algorithm ${a}`);
  let problems = 0;
  for (const target of positionals) {
    try {
      const { digests, size } = await hashTarget(target, algorithms, io);
      const verdict = expected ? (digests[expected.algorithm] === expected.hex ? 'ok' : 'mismatch') : undefined;
      if (verdict === 'mismatch') problems++;
      if (format === 'text')
        io.stdout.write(
          `${algorithms.map((a) => `${a}:${digests[a]}`).join(' ')}  ${target}${verdict ? `: ${verdict === 'ok' ? 'OK' : 'FAILED'}` : ''}\n`,
        );
      else writeJsonLine(io.stdout, { target, size, digests, ...(verdict ? { verdict } : {}) });
    } catch (err) {
      io.stderr.write(`cmp-ops verify: ${target}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  return problems ? 1 : 0;
}
