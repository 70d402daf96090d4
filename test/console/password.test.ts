import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword, parseUsers, verifyPassword } from '#lib/console/index.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const test = suite('console/password');

// RFC 7914 §12, second vector: scrypt(P="password", S="NaCl", N=1024, r=8, p=16, dkLen=64)
const RFC7914 =
  'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640';

test('known answer :: the RFC 7914 vector, written as our hash, verifies "password" and nothing else', async () => {
  const hash = `scrypt$1024$8$16$${Buffer.from('NaCl').toString('base64url')}$${Buffer.from(RFC7914, 'hex').toString('base64url')}`;
  assert.ok(await verifyPassword('password', hash));
  assert.not.ok(await verifyPassword('Password', hash));
  assert.not.ok(await verifyPassword('', hash));
});

test('round trip :: a new hash verifies its password; two hashes of one password differ (random salt)', async () => {
  const a = await hashPassword('correct horse', { N: 1024 });
  const b = await hashPassword('correct horse', { N: 1024 });
  assert.match(a, /^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.is.not(a, b);
  assert.ok(await verifyPassword('correct horse', a));
  assert.not.ok(await verifyPassword('correct horse ', a));
});

for (const [name, hash] of [
  ['not scrypt', 'bcrypt$2b$10$abc'],
  ['N not a power of two', `scrypt$1000$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
  ['N beyond 2^20', `scrypt$${2 ** 21}$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
  ['short salt', `scrypt$1024$8$1$AAAA$${'A'.repeat(43)}`],
  ['missing field', 'scrypt$1024$8$1$AAAAAAAAAAAA'],
] as const) {
  test(`malformed hash :: ${name} never matches and never throws`, async () => {
    assert.not.ok(await verifyPassword('anything', hash));
  });
}

test('users secret :: name:hash lines; comments and blanks skipped; bad lines reported by number', () => {
  const good = `scrypt$1024$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`;
  const { users, rejects } = parseUsers(
    `# console users\noperator:${good}\n\nwall:${good}\nbad name:${good}\nnohash\nbob:plaintext\n`,
  );
  assert.equal([...users.keys()], ['operator', 'wall']);
  assert.equal(
    rejects.map((r) => r.line),
    [5, 6, 7],
  );
  assert.match(rejects[2]!.reason, /bob is not a scrypt/);
});

test('cli :: console add-user prints NAME:hash that verifies the piped password; short passwords and bad names exit 2', async () => {
  const r = await runCliCaptured(['console', 'add-user', 'night-shift'], { stdin: 'a long passphrase\n' });
  assert.is(r.code, 0, r.err);
  const { users } = parseUsers(r.out);
  assert.ok(await verifyPassword('a long passphrase', users.get('night-shift')!.hash));
  assert.is((await runCliCaptured(['console', 'add-user', 'x'], { stdin: 'short\n' })).code, 2);
  assert.is((await runCliCaptured(['console', 'add-user', 'a:b'], { stdin: 'a long passphrase\n' })).code, 2);
});

test.run();
