/**
 * A small SSH server for the executor's tests (ssh2's Server on 127.0.0.1): one host key, one
 * accepted client public key, and a handler that answers each exec'd command line. It records the
 * command lines it receives and the connections that closed, so tests can check exactly what
 * reached the "node" and that a timed-out connection was ended. Not the lab's server (lab/rac):
 * this one does not parse srvctl at all.
 */
import type { AddressInfo } from 'node:net';
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import { soundEd25519Pair } from '../../lab/ssh/ssh-keys';

export interface Answer {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Never answer (the client's timeout must end it) */
  hang?: boolean;
}

export interface SshTestServer {
  port: number;
  /** The host key's public line ("ssh-ed25519 AAAA...") */
  hostPublicKey: string;
  /** Command lines received, in order */
  commands: string[];
  /** Resolves when the n-th client connection (1-based) has closed */
  closed(n: number): Promise<void>;
  close(): Promise<void>;
}

export function keyPair(): { private: string; public: string } {
  return soundEd25519Pair();
}

function acceptsKey(allowedPublic: string) {
  const allowed = utils.parseKey(allowedPublic);
  if (allowed instanceof Error) throw allowed;
  return (ctx: { key: { algo: string; data: Buffer }; signature?: Buffer; blob?: Buffer; hashAlgo?: string }) =>
    ctx.key.algo === allowed.type &&
    ctx.key.data.equals(allowed.getPublicSSH()) &&
    (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
}

function answer(stream: ServerChannel, a: Answer): void {
  if (a.hang) return;
  if (a.stdout) stream.write(a.stdout);
  if (a.stderr) stream.stderr.write(a.stderr);
  stream.exit(a.exitCode ?? 0);
  stream.end();
}

export interface SshTestServerOptions {
  /** The one client key accepted (OpenSSH public line) */
  clientPublicKey: string;
  handler: (command: string) => Answer;
  hostKey?: { private: string; public: string };
}

export async function startSshServer(opts: SshTestServerOptions): Promise<SshTestServer> {
  const host = opts.hostKey ?? keyPair();
  const accepts = acceptsKey(opts.clientPublicKey);
  const commands: string[] = [];
  const closedWaiters: (() => void)[] = [];
  const closes: Promise<void>[] = [];
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [host.private] }, (client) => {
    clients.add(client);
    closes.push(new Promise<void>((r) => closedWaiters.push(r)));
    const done = closedWaiters.at(-1)!;
    client.on('close', () => {
      clients.delete(client);
      done();
    });
    client.on('error', () => {});
    client.on('authentication', (ctx) => (ctx.method === 'publickey' && accepts(ctx) ? ctx.accept() : ctx.reject(['publickey'])));
    client.on('ready', () =>
      client.on('session', (accept) =>
        accept().on('exec', (acc, _rej, info) => {
          commands.push(info.command);
          answer(acc(), opts.handler(info.command));
        }),
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    hostPublicKey: host.public,
    commands,
    closed: async (n) => {
      while (closes.length < n) await new Promise((r) => setTimeout(r, 20));
      await closes[n - 1];
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of clients) c.end();
        server.close(() => r());
      }),
  };
}
