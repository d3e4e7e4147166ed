/**
 * An SSH client for tests of the lab's SSH server (lab/ssh/ssh-server.ts): ssh2's Client with the
 * key and host key GET /ssh gives, one connection per command (as an executor would run them).
 */
import { readFileSync } from 'node:fs';
import { Client, type ConnectConfig } from 'ssh2';

export interface SshInfo {
  host: string;
  port: number;
  user: string;
  hostKey: string;
  privateKeyFile: string;
  srvctl: Record<string, string[]>;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function sshInfo(labUrl: string): Promise<SshInfo> {
  const r = await fetch(`${labUrl}/ssh`);
  if (!r.ok) throw new Error(`GET /ssh: ${r.status} ${await r.text()}`);
  return (await r.json()) as SshInfo;
}

/** Connects with the lab's client key (or `over` settings), checking the host key against GET /ssh's. */
export function connect(info: SshInfo, over: Partial<ConnectConfig> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => resolve(c)).on('error', reject);
    c.connect({
      host: info.host,
      port: info.port,
      username: info.user,
      privateKey: readFileSync(info.privateKeyFile),
      hostVerifier: (key: Buffer) => key.toString('base64') === info.hostKey.split(' ')[1],
      readyTimeout: 10_000,
      ...over,
    });
  });
}

/** Runs one exec request on an open connection. */
export function execOn(c: Client, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('close', (code: number | null) => resolve({ code, stdout, stderr }));
    });
  });
}

/** One command over a fresh connection. */
export async function sshExec(info: SshInfo, command: string): Promise<ExecResult> {
  const c = await connect(info);
  try {
    return await execOn(c, command);
  } finally {
    c.end();
  }
}

/** `srvctl <args>` by the cluster's Oracle home path, on a fresh connection. */
export function srvctl(info: SshInfo, cdb: string, args: string): Promise<ExecResult> {
  return sshExec(info, `${info.srvctl[cdb]![0]} ${args}`);
}
