/**
 * Message texts of the ORA codes the lab raises, and the way errors from across a database
 * link arrive (shared/reference/oracle-ops.md; Oracle's message catalogue):
 *  - ORA-17628 "Oracle error %s returned by remote Oracle server", then the remote error itself:
 *      ORA-17628: Oracle error 1031 returned by remote Oracle server
 *      ORA-01031: insufficient privileges
 *  - a connect failure over the link: ORA-17627 carrying the remote error's text, then ORA-17629:
 *      ORA-17627: ORA-01017: invalid username/password; logon denied
 *      ORA-17629: Cannot connect to the remote database server
 * UNVERIFIED: the exact layout of the ORA-17627 pair (from practitioners' traces; the reference
 * only names the codes). orb classifies them by the nested code (common/oracle-errors.ts).
 */
import { LabError } from './lab-error';

const ORA_MESSAGES: Record<string, string> = {
  'ORA-03113': 'end-of-file on communication channel',
  'ORA-03114': 'not connected to ORACLE',
  'ORA-03135': 'connection lost contact',
  'ORA-00028': 'your session has been killed',
  'ORA-01092': 'ORACLE instance terminated. Disconnection forced',
  'ORA-12514': 'TNS:listener does not currently know of service requested in connect descriptor',
  'ORA-12541': 'TNS:no listener',
  'ORA-12154': 'TNS:could not resolve the connect identifier specified',
  'ORA-00054': 'resource busy and acquire with NOWAIT specified or timeout expired',
  'ORA-19504': 'failed to create file',
  'ORA-27072': 'File I/O error',
  'ORA-17627': 'error returned by the remote database server',
  'ORA-17628': 'Oracle error returned by remote Oracle server',
  'ORA-17629': 'Cannot connect to the remote database server',
  'ORA-01017': 'invalid username/password; logon denied',
  'ORA-01031': 'insufficient privileges',
  'ORA-01045': 'user lacks CREATE SESSION privilege; logon denied',
  'ORA-65011': 'Pluggable database does not exist.',
  'ORA-65035': 'unable to create pluggable database from the source',
  'ORA-65036': 'pluggable database not open in required mode',
  'ORA-00600': 'internal error code, arguments: [lab]',
};

/** Codes whose errors wrap an error raised on the other side of a database link. */
export const LINK_WRAPPER_CODES = ['ORA-17627', 'ORA-17628', 'ORA-17629'] as const;

export function oraMessage(code: string, detail?: string): string {
  const text = ORA_MESSAGES[code] ?? 'simulated error';
  return `${code}: ${text}${detail ? ` (${detail})` : ''}`;
}

/** `inner` (a whole "ORA-nnnnn: text" message of the remote side) wrapped by `wrapper`, as Oracle lays it out. */
export function wrap(wrapper: string, inner: string): string {
  const nested = /^ORA-\d{5}/.exec(inner)?.[0] ?? 'ORA-00000';
  if (wrapper === 'ORA-17628') {
    return `ORA-17628: Oracle error ${Number(nested.slice(4))} returned by remote Oracle server\n${inner}`;
  }
  if (wrapper === 'ORA-17627') return `ORA-17627: ${inner}\n${oraMessage('ORA-17629')}`;
  return `${oraMessage(wrapper)}\n${inner}`;
}

/** An injected wrapped error: `wrapper` around `nested` with its catalogue text. */
export function wrappedMessage(wrapper: string, nested: string, detail?: string): string {
  return wrap(wrapper, oraMessage(nested, detail));
}

/** An error the source CDB raised while serving the relocation (`inner`: its whole message), wrapped in ORA-17628. */
export function remoteOra(inner: string): LabError {
  return new LabError('ORA-17628', wrap('ORA-17628', inner));
}

/** The target could not connect to the source over the link (`inner`: why), wrapped in ORA-17627 / ORA-17629. */
export function linkConnectOra(inner: string): LabError {
  return new LabError('ORA-17627', wrap('ORA-17627', inner));
}
