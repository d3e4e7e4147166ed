import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** The compiled CLI, as `bin/orb` runs it. */
export const CLI = path.join(__dirname, '..', '..', 'client', 'cli.js');
/** `bin/orb` itself, the command users run. */
export const ORB_BIN = path.join(__dirname, '..', '..', '..', 'bin', 'orb');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node dist/client/cli.js ...args` with exactly `env`, killing it after `timeoutMs`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`orb ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** SIGKILL: no shutdown, no goodbye to the server; whatever the process was running is lost mid-way. */
export async function killHard(child: import('node:child_process').ChildProcess): Promise<void> {
  // A child already gone (by its own exit or a signal) has an exitCode or a signalCode: no 'exit' event will come.
  const gone = child.exitCode !== null || child.signalCode !== null;
  const exited = gone ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}
