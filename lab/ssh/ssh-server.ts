/**
 * The lab's SSH server (ssh2's Server): it stands for the cluster nodes of the lab's RAC
 * databases, so orb's srvctl executor runs against it unchanged.
 *  - authentication: publickey only, user `oracle`, the client key of lab/ssh/ssh-keys.ts; anything
 *    else is refused (and recorded in the oplog, except the client's initial "none" probe);
 *  - exec requests run through Lab.srvctl (only srvctl by its absolute path, or the lab's maintenance program;
 *    lab/rac/srvctl-call.ts, lab/rac/maintain-program.ts):
 *    its stdout / stderr / exit status are the channel's;
 *  - shell, pty, env, subsystem (sftp), x11, agent forwarding, signals and port forwarding are
 *    refused with a channel failure, recorded in the oplog, and nothing is ever executed.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server, type AuthContext, type Connection, type ServerChannel, type Session } from 'ssh2';
import type { Lab, LabSshInfo } from '../lab';
import type { LabLogger } from '../log';
import { ensureLabSshKeys, type LabSshKeys } from './ssh-keys';

export const LAB_SSH_USER = 'oracle';

export interface LabSshServer {
  info: LabSshInfo;
  close(): Promise<void>;
}

const REFUSED_SESSION_REQUESTS = ['pty', 'shell', 'env', 'subsystem', 'sftp', 'x11', 'auth-agent', 'signal', 'window-change'] as const;

function sameKey(keys: LabSshKeys, ctx: AuthContext & { method: 'publickey' }): boolean {
  const want = keys.clientPublic.getPublicSSH();
  return ctx.key.algo === keys.clientPublic.type && ctx.key.data.length === want.length && timingSafeEqual(ctx.key.data, want);
}

function authenticate(lab: Lab, keys: LabSshKeys, ctx: AuthContext): void {
  if (ctx.method === 'none') return ctx.reject(['publickey']);
  const who = { user: ctx.username, method: ctx.method };
  if (ctx.method !== 'publickey') {
    lab.refuseSsh('auth', who, `authentication method ${ctx.method} is not accepted (publickey only)`);
    return ctx.reject(['publickey']);
  }
  if (ctx.username !== LAB_SSH_USER || !sameKey(keys, ctx)) {
    const why = `user ${ctx.username} with this key is not accepted (user ${LAB_SSH_USER}, the lab's client key only)`;
    lab.refuseSsh('auth', { ...who, keyAlgo: ctx.key.algo }, why);
    return ctx.reject(['publickey']);
  }
  if (ctx.signature && ctx.blob && keys.clientPublic.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
    lab.refuseSsh('auth', who, 'publickey signature does not verify');
    return ctx.reject(['publickey']);
  }
  ctx.accept();
}

/** `connClosed`: the client's connection is gone (its channels do not always say so themselves). */
function runExec(lab: Lab, log: LabLogger, stream: ServerChannel, command: string, connClosed: Promise<void>): void {
  let closed = false;
  const channelClosed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  const gone = Promise.race([channelClosed, connClosed]).then(() => {
    closed = true;
  });
  lab.srvctl(command, { user: LAB_SSH_USER, closed: gone }).then(
    (a) => {
      if (closed) return;
      if (a.stdout) stream.write(a.stdout);
      if (a.stderr) stream.stderr.write(a.stderr);
      stream.exit(a.exitCode);
      stream.end();
    },
    (e: unknown) => {
      log.error({ err: e, command }, 'srvctl over SSH failed');
      if (closed) return;
      stream.stderr.write('orb-lab: internal error (see the lab log)\n');
      stream.exit(1);
      stream.end();
    },
  );
}

function serveSession(lab: Lab, log: LabLogger, session: Session, connClosed: Promise<void>): void {
  session.on('exec', (accept, _reject, info) => runExec(lab, log, accept(), info.command, connClosed));
  for (const ev of REFUSED_SESSION_REQUESTS) {
    (session as unknown as { on(e: string, l: (...a: unknown[]) => void): void }).on(ev, (_accept, reject, info) => {
      const args = { user: LAB_SSH_USER, ...(typeof info === 'object' && info !== null ? { info } : {}) };
      lab.refuseSsh(ev, args, `${ev} requests are not served (exec of srvctl only)`);
      if (typeof reject === 'function') (reject as () => void)();
    });
  }
}

function serveClient(lab: Lab, log: LabLogger, keys: LabSshKeys, client: Connection): void {
  client.on('error', (e) => log.debug({ err: e }, 'ssh client error'));
  const connClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.on('authentication', (ctx) => authenticate(lab, keys, ctx));
  client.on('ready', () => {
    client.on('session', (accept) => serveSession(lab, log, accept(), connClosed));
    client.on('request', (_accept, reject, name) => {
      lab.refuseSsh('request', { user: LAB_SSH_USER, name }, `global request ${name} is not served`);
      reject?.();
    });
    client.on('tcpip', (_accept, reject) => reject());
    client.on('openssh.streamlocal', (_accept, reject) => reject());
  });
}

export interface SshServerOptions {
  lab: Lab;
  host: string;
  port: number;
  /** Where the keys are kept (ssh/ inside it) */
  stateDir: string;
  log: LabLogger;
}

export async function startSshServer(opts: SshServerOptions): Promise<LabSshServer> {
  const keys = ensureLabSshKeys(opts.stateDir);
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [keys.hostPrivateKey] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    serveClient(opts.lab, opts.log, keys, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const info: LabSshInfo = {
    host: opts.host,
    port,
    user: LAB_SSH_USER,
    hostKey: keys.hostPublicLine,
    privateKeyFile: keys.clientPrivateKeyFile,
  };
  opts.log.info({ host: opts.host, port, privateKeyFile: keys.clientPrivateKeyFile }, 'lab SSH server listening');
  return {
    info,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}
