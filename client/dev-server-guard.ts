/**
 * The process `orb dev` starts its Temporal dev server through:
 *
 *   node dev-server-guard.js <temporal CLI> server start-dev ...
 *
 * It runs the server as its child and tells orb dev the server's pid over the IPC channel
 * orb dev opened. That channel closes when orb dev exits, however it exits (SIGKILL too):
 * the guard then stops the server (SIGTERM, SIGKILL after a grace period), so a killed
 * `orb dev` does not leave a server holding its ports. SIGTERM, SIGINT and SIGHUP stop the
 * server the same way. The guard exits with the server's exit code.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const GRACE_MS = 10_000;

export interface GuardMessage {
  serverPid: number;
}

function log(line: string): void {
  process.stderr.write(`orb dev guard (pid ${process.pid}): ${line}\n`);
}

function main(): void {
  const [cli, ...args] = process.argv.slice(2);
  if (!cli || !process.send) {
    log('usage: node dev-server-guard.js <temporal CLI> <args...>, started by orb dev with an IPC channel');
    process.exit(2);
  }
  const server = spawn(cli, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  let stopping = false;
  const stop = (why: string) => {
    if (stopping || server.exitCode !== null || server.signalCode !== null) return;
    stopping = true;
    log(`${why}: stopping the Temporal dev server (pid ${server.pid})`);
    server.kill('SIGTERM');
    setTimeout(() => server.kill('SIGKILL'), GRACE_MS);
  };
  server.once('spawn', () => {
    if (process.connected) process.send!({ serverPid: server.pid! } satisfies GuardMessage);
    else stop('orb dev is gone');
  });
  server.once('error', (e) => {
    log(`cannot run ${cli}: ${e.message}`);
    process.exit(127);
  });
  server.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  process.on('disconnect', () => stop('orb dev is gone (its IPC channel closed)'));
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => stop(sig));
}

main();
