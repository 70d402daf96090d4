import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '#lib/console/index.ts';

/** ConsoleLogin is the local console's login: the `operator` user and where its password came from. */
export interface ConsoleLogin {
  user: string;
  password: string;
  /** passwordFile is set when the password was generated (or read back) from the data dir. */
  passwordFile?: string;
}

/**
 * writeConsoleSecrets writes ops-console's two secrets where the local functions read them (SECRETS_DIR): the
 * session key (generated once) and the users file with `operator`, whose password is the given one or one generated
 * once into `<dataDir>/console-password`.
 */
export async function writeConsoleSecrets(dataDir: string, password?: string): Promise<ConsoleLogin> {
  const secrets = join(dataDir, 'secrets');
  mkdirSync(secrets, { recursive: true });
  const keyFile = join(secrets, 'cmp-ops-console-session-key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  const passwordFile = join(dataDir, 'console-password');
  let chosen = password;
  if (!chosen) {
    if (!existsSync(passwordFile))
      writeFileSync(passwordFile, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
    chosen = readFileSync(passwordFile, 'utf8').trim();
  }
  writeFileSync(join(secrets, 'cmp-ops-console-users'), `operator:${await hashPassword(chosen)}\n`, { mode: 0o600 });
  return { user: 'operator', password: chosen, ...(password ? {} : { passwordFile }) };
}
