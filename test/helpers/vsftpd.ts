import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port.ts';

export const VSFTPD = '/usr/sbin/vsftpd';
export const FTP_USER = 'cmpopsftp';

/** RunningVsftpd is Debian's vsftpd started on 127.0.0.1 with logs in a temporary directory. */
export interface RunningVsftpd {
  port: number;
  dir: string;
  home: string;
  xferlog: string;
  nativeLog: string;
  password: string;
  stop(): Promise<void>;
}

// A local account for the test (vsftpd authenticates through PAM); created once, its password set each run.
function ensureUser(home: string, password: string): void {
  try {
    execFileSync('id', [FTP_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/bash', FTP_USER]);
  }
  execFileSync('usermod', ['-d', home, FTP_USER]);
  execFileSync('chpasswd', [], { input: `${FTP_USER}:${password}\n` });
}

/** startVsftpd writes a config (standalone, loopback, chroot, xferlog + native log) and starts vsftpd on a free port. */
export async function startVsftpd(): Promise<RunningVsftpd> {
  if (!existsSync(VSFTPD)) throw new Error(`${VSFTPD} is missing: .ci/run installs the vsftpd package`);
  const dir = mkdtempSync(join(tmpdir(), 'vsftpd-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, 'inbox'), { recursive: true });
  const password = `pw-${process.pid}-${Date.now()}`;
  ensureUser(home, password);
  const uid = Number(execFileSync('id', ['-u', FTP_USER]).toString());
  const gid = Number(execFileSync('id', ['-g', FTP_USER]).toString());
  chownSync(home, uid, gid);
  chownSync(join(home, 'inbox'), uid, gid);
  chmodSync(dir, 0o755);
  mkdirSync('/var/run/vsftpd/empty', { recursive: true });
  const port = await freePort();
  const xferlog = join(dir, 'xferlog');
  const nativeLog = join(dir, 'vsftpd.log');
  writeFileSync(
    join(dir, 'vsftpd.conf'),
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=NO',
      'local_enable=YES',
      'write_enable=YES',
      'local_umask=022',
      'chroot_local_user=YES',
      'allow_writeable_chroot=YES',
      'pam_service_name=vsftpd',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      'connect_from_port_20=NO',
      'pasv_enable=YES',
      'pasv_address=127.0.0.1',
      'seccomp_sandbox=NO',
      'xferlog_enable=YES',
      'xferlog_std_format=YES',
      `xferlog_file=${xferlog}`,
      'dual_log_enable=YES',
      `vsftpd_log_file=${nativeLog}`,
      // fast failures and short timeouts keep the test bounded (defaults: 1 s delay per failed login, 300 s timeouts)
      'delay_failed_login=0',
      'max_login_fails=1',
      'data_connection_timeout=10',
      'idle_session_timeout=30',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(VSFTPD, [join(dir, 'vsftpd.conf')], { stdio: 'ignore', detached: false });
  await waitFor('vsftpd listening', async () => {
    const { createConnection } = await import('node:net');
    return new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  });
  return {
    port,
    dir,
    home,
    xferlog,
    nativeLog,
    password,
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
