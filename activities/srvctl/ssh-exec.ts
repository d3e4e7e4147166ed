/**
 * One command on one node over SSH (the ssh2 package's Client): connect, check the host key
 * against the node's known-hosts entry, authenticate with the private key, exec, collect stdout and
 * stderr (each bounded), take the exit status from the channel's close, disconnect.
 *
 * ssh2 has no exec timeout: orb's own timer ends the connection when the command runs too long.
 * The private key is read when connecting, handed to ssh2 only, and appears in no message, result or
 * log line (ssh2's debug output is never enabled).
 */
import { Client, utils, type ClientChannel } from 'ssh2';
import { InputError } from '../../common/input-error';
import { fingerprintOf, knownHostMatches, parseKnownHost, type KnownHost } from '../../common/srvctl/known-host';
import { HostKeyRejectedError, SshError } from './ssh-errors';

export interface SshNode {
  host: string;
  /** The Clusterware node name, when the estate gives it (else the host name's first label is taken for it) */
  name?: string;
  port: number;
  user: string;
  /** The node's known-hosts entry ("ssh-ed25519 AAAA..." or "SHA256:..."); absent: the host is unknown and refused */
  hostKey?: string;
  /** Reads the client's private key (OpenSSH or PEM) when connecting */
  privateKey: () => string | Buffer;
}

export interface ExecLimits {
  /** TCP connect + SSH handshake + authentication */
  connectTimeoutMs: number;
  /** From the connection being ready to the command's exit status */
  commandTimeoutMs: number;
  /** Per stream (stdout, stderr): bytes beyond are dropped and counted */
  maxOutputBytes: number;
  /** Cancels: the connection is ended and the promise rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface ExecResult {
  /** null when the channel closed without an exit status */
  exitCode: number | null;
  /** The signal that ended the remote command, if one did */
  exitSignal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export const nodeLabel = (n: { host: string; port: number }) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`);

/** Keeps the first `max` bytes of a stream. */
class Bounded {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  dropped = 0;
  constructor(private readonly max: number) {}
  push(d: Buffer): void {
    const room = this.max - this.kept;
    if (room > 0) {
      const part = d.length <= room ? d : d.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, d.length - Math.max(0, room));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function readKey(node: SshNode, label: string): string | Buffer {
  let key: string | Buffer;
  try {
    key = node.privateKey();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new SshError('SshKeyUnreadable', label, 'the private key could not be read');
  }
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) {
    throw new SshError('SshKeyUnreadable', label, 'the private key could not be parsed (an unencrypted OpenSSH or PEM key is needed)');
  }
  return key;
}

/** The error ssh2 emitted, as orb names it. */
type Ssh2Error = Error & { level?: string; code?: unknown };

function translate(err: Ssh2Error, label: string, user: string, rejected: HostKeyRejectedError | null): Error {
  if (rejected) return rejected;
  if (err.level === 'client-authentication') return new SshError('SshAuthFailed', label, `the node refused the private key for user ${user}`);
  if (err.level === 'client-timeout') return new SshError('SshTimeout', label, `no SSH session within the connect timeout (${err.message})`);
  if (typeof err.code === 'string' && /^E[A-Z_]+$/.test(err.code)) return new SshError(err.code, label, err.message);
  return new SshError('SshError', label, err.message);
}

function verifier(known: KnownHost | null, label: string, onReject: (e: HostKeyRejectedError) => void) {
  return (presented: Buffer): boolean => {
    if (known && knownHostMatches(known, presented)) return true;
    onReject(new HostKeyRejectedError(label, fingerprintOf(presented), known ? known.fingerprint : null));
    return false;
  };
}

/** Runs `commandLine` on `node`. Rejects with an SshError (or the abort reason); resolves whatever the exit status. */
export function sshExec(node: SshNode, commandLine: string, limits: ExecLimits): Promise<ExecResult> {
  const label = nodeLabel(node);
  const known = node.hostKey === undefined ? null : parseKnownHost(`${label} hostKey`, node.hostKey);
  const privateKey = readKey(node, label);
  return new Promise<ExecResult>((resolve, reject) => {
    const conn = new Client();
    let rejected: HostKeyRejectedError | null = null;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const aborted = () => (limits.signal?.reason instanceof Error ? limits.signal.reason : new SshError('SshAborted', label, 'cancelled'));
    const onAbort = () => finish(aborted());
    const finish = (err: Error | null, result?: ExecResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      conn.end();
      if (err) reject(err);
      else resolve(result!);
    };
    if (limits.signal?.aborted) return onAbort();
    limits.signal?.addEventListener('abort', onAbort, { once: true });

    const run = (stream: ClientChannel) => {
      const out = new Bounded(limits.maxOutputBytes);
      const errOut = new Bounded(limits.maxOutputBytes);
      stream.on('data', (d: Buffer) => out.push(d));
      stream.stderr.on('data', (d: Buffer) => errOut.push(d));
      stream.on('close', (code: unknown, signal: unknown) =>
        finish(null, {
          exitCode: typeof code === 'number' ? code : null,
          exitSignal: typeof signal === 'string' ? signal : null,
          stdout: out.text(),
          stderr: errOut.text(),
          stdoutTruncated: out.dropped > 0,
          stderrTruncated: errOut.dropped > 0,
        }),
      );
    };

    conn.on('ready', () => {
      const late = `the command did not finish within ${limits.commandTimeoutMs} ms; orb closed the connection`;
      timer = setTimeout(() => finish(new SshError('SrvctlTimeout', label, late)), limits.commandTimeoutMs);
      try {
        conn.exec(commandLine, (err, stream) => (err ? finish(new SshError('SshChannelFailed', label, err.message)) : run(stream)));
      } catch (e) {
        finish(new SshError('SshChannelFailed', label, (e as Error).message));
      }
    });
    conn.on('error', (err) => finish(translate(err, label, node.user, rejected)));
    const early = 'the connection closed before the command finished';
    conn.on('close', () => finish(new SshError('SshChannelFailed', label, early)));
    conn.connect({
      host: node.host,
      port: node.port,
      username: node.user,
      privateKey,
      hostVerifier: verifier(known, label, (e) => (rejected = e)),
      readyTimeout: limits.connectTimeoutMs,
      // A long srvctl (an instance stop, a drain) prints nothing for minutes: keep the connection seen as alive.
      keepaliveInterval: 15_000,
    });
  });
}
