/**
 * One classification of srvctl failures, as common/oracle-errors.ts does for ORA codes: worth
 * retrying (transient), the change was already made (already-done: how srvctl steps stay
 * idempotent, a retried "start" that finds the service running has succeeded), or a person must
 * look (permanent). Each with what it means and what to do.
 *
 * srvctl reports a failure as a stack of coded lines, outermost first, e.g. (DBAs' transcripts):
 *   PRCC-1014 : orcl was already running
 *   PRCR-1004 : Resource ora.orcl.db is already running
 *   PRCR-1079 : Failed to start resource ora.orcl.db
 *   CRS-5017: The resource action "ora.orcl.db start" encountered the following error:
 *   ORA-00600: internal error code, arguments: [kccsbck_first], ...
 * Lines saying "Failed to ..." (and CRS "Start|Stop of ... failed") only wrap a cause and decide
 * nothing. Of the others: any permanent code (or one orb does not know) makes the failure permanent
 * (above: one instance was already running, the other failed with ORA-00600); else any transient
 * one makes it transient; it is already-done only when every deciding line says the object is
 * already in the state the command asked for. ORA codes are judged by classifyOracleError.
 *
 * Message texts from Oracle's Database Error Messages (PRCC, PRCR, PRCD, PRKO, PRKF, CRS chapters)
 * where the corpus had them; the codes marked UNVERIFIED below were seen only in transcripts or not
 * at all, and are classified by what their wording means.
 */
import { classifyOracleError } from '../oracle-errors';
import { clip, sanitize } from '../untrusted-text';
import type { SrvctlCommandKind } from './commands';

export type SrvctlErrorKind = 'transient' | 'already-done' | 'permanent';

export interface ClassifiedSrvctlError {
  kind: SrvctlErrorKind;
  /** The deciding code: 'PRCC-1014', 'CRS-2974', 'ORA-00600', 'ECONNREFUSED', 'SshHostKeyChanged', 'SRVCTL-EXIT-1' */
  code: string;
  /** Every code srvctl printed, in order */
  codes: string[];
  /** The first lines srvctl printed (bounded, sanitized), or the transport error's message */
  message: string;
  /** What it means, one sentence a DBA understands */
  explanation: string;
  /** What to do */
  action: string;
  /** The node's own Clusterware cannot answer: the same command may succeed from another node */
  tryAnotherNode: boolean;
}

export interface SrvctlOutput {
  /** null: the channel closed without an exit status (killed, connection lost) */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

type State = 'running' | 'stopped' | 'enabled' | 'disabled';

interface Known {
  kind: SrvctlErrorKind;
  explanation: string;
  action: string;
  /** For already-done: the state the object is in */
  state?: State;
  tryAnotherNode?: boolean;
}

const noAction = 'Nothing: the step had already been done.';
const already = (state: State, explanation: string): Known => ({
  kind: 'already-done',
  state,
  explanation,
  action: noAction,
});

/** "The object already is what the command wanted": success for that command, and only for it. */
const ALREADY: Record<string, Known> = {
  'PRCC-1014': already('running', 'srvctl reports the resource was already running (PRCC-1014).'),
  // UNVERIFIED text: "{0} was already running on {1}" (the per-node form of PRCC-1014).
  'PRCC-1015': already('running', 'srvctl reports the resource was already running on that node.'),
  'PRCR-1004': already('running', 'Clusterware reports the resource is already running (PRCR-1004).'),
  'CRS-5702': already('running', 'Clusterware reports the resource is already running there (CRS-5702).'),
  'PRCC-1016': already('stopped', 'srvctl reports the resource was already stopped (PRCC-1016).'),
  // UNVERIFIED text: "{0} was already stopped on {1}".
  'PRCC-1017': already('stopped', 'srvctl reports the resource was already stopped on that node.'),
  'PRCR-1005': already('stopped', 'Clusterware reports the resource is already stopped (PRCR-1005).'),
  // UNVERIFIED text: "Cannot stop resource '...' as it is not running".
  'CRS-2500': already('stopped', 'Clusterware reports the resource is not running: nothing to stop (CRS-2500).'),
  'PRCC-1010': already('enabled', 'srvctl reports the resource is already enabled (PRCC-1010).'),
  'PRCC-1011': already('enabled', 'srvctl reports the resource is already enabled on that node (PRCC-1011).'),
  'PRCR-1002': already('enabled', 'Clusterware reports the resource is already enabled (PRCR-1002).'),
  'PRCC-1012': already('disabled', 'srvctl reports the resource is already disabled (PRCC-1012).'),
  'PRCC-1013': already('disabled', 'srvctl reports the resource is already disabled on that node (PRCC-1013).'),
  'PRCR-1003': already('disabled', 'Clusterware reports the resource is already disabled (PRCR-1003).'),
};

const nodeDown = (explanation: string): Known => ({
  kind: 'transient',
  explanation,
  action: 'orb tries the next node of the cluster, then retries; if every node says so, check Clusterware (crsctl check crs).',
  tryAnotherNode: true,
});

const TRANSIENT: Record<string, Known> = {
  // UNVERIFIED numbers/texts from practice: "CRS-4535: Cannot communicate with Cluster Ready Services",
  // "CRS-0184: Cannot communicate with the CRS daemon."
  'CRS-4535': nodeDown('srvctl could not reach Cluster Ready Services on this node (its Clusterware stack is down).'),
  'CRS-0184': nodeDown('srvctl could not reach the CRS daemon on this node.'),
  'PRKH-1057': nodeDown('The CSS daemon is not running on this node, or srvctl could not authenticate with it (PRKH-1057).'),
  'CLSR-0524': {
    kind: 'transient',
    explanation: 'The resource cannot start because the resource it belongs to is stopping (CLSR-00524).',
    action: 'orb retries once the stop has finished.',
  },
};

const fixNames =
  'Check the estate file (srvctl.db) and the service and instance names (srvctl config database, srvctl config service).';
const permanent = (explanation: string, action: string): Known => ({ kind: 'permanent', explanation, action });
const drainFirst = 'Drain the services off the instance first (stop or relocate them there), then stop it; orb never adds -force itself.';

const PERMANENT: Record<string, Known> = {
  'PRCD-1001': permanent('The database is not registered with Oracle Clusterware (PRCD-1001).', fixNames),
  // UNVERIFIED text: "The resource for database {0} could not be found." (seen next to PRCR-1001).
  'PRCD-1120': permanent('srvctl found no Clusterware resource for that database (PRCD-1120).', fixNames),
  'PRCR-1001': permanent('The Clusterware resource does not exist: no such database, service or instance (PRCR-1001).', fixNames),
  // UNVERIFIED texts: "Invalid command line option: -x" / "Invalid command line syntax".
  'PRKO-2002': permanent(
    'srvctl refused an option of the command line orb built (PRKO-2002, invalid command line option).',
    'orb uses the 12.2+ long options (-db, -service, -drain_timeout ...): srvctl.path must name a 12.2 or later home.',
  ),
  'PRKO-2001': permanent('srvctl refused the command line syntax (PRKO-2001).', 'srvctl.path must name a 12.2 or later home.'),
  'PRKO-2000': permanent(
    'srvctl refused the syntax for a single-instance database (PRKO-2000).',
    'This database is not a RAC database: it cannot be maintained instance by instance.',
  ),
  // UNVERIFIED text: "Invalid instance name: {0}".
  'PRKO-2007': permanent('srvctl does not know that instance name (PRKO-2007).', fixNames),
  'PRKO-3165': permanent(
    'The service belongs to a single-instance database and cannot be relocated (PRKO-3165).',
    'Stop and start it instead, or leave it out of the rolling run.',
  ),
  'PRKO-3251': permanent(
    'Relocation is not supported under Oracle Restart (PRKO-3251).',
    'This CDB is managed by Oracle Restart, not a cluster: it has no other instance to move services to.',
  ),
  'PRKF-1080': permanent(
    'srvctl cannot evaluate (-eval) a service stop on an administrator-managed database (PRKF-1080).',
    'Run the command without -eval; orb plan shows its command line instead.',
  ),
  'PRCR-1050': permanent(
    'The resource is not configured in an Oracle Clusterware environment (PRCR-1050).',
    'Use the Oracle Restart form of the command, or check the estate file.',
  ),
  'PRCD-1105': permanent('A relocation needs the instance the service moves from (PRCD-1105).', 'Give the old and new instance.'),
  'CRS-2974': permanent(
    'Clusterware would have to stop or relocate other resources (services still running there) without a force flag (CRS-2974).',
    drainFirst,
  ),
  // UNVERIFIED text: "Unable to act on '...' because that would require stopping or relocating '...',
  // but the force option was not specified".
  'CRS-2529': permanent('Clusterware would have to stop or relocate a dependent resource without a force option (CRS-2529).', drainFirst),
  'CRS-2525': permanent(
    'Every instance of the resource is already running and a relocation needs the force option (CRS-2525).',
    'Read srvctl status service: the service may already run where it was to go.',
  ),
  'CRS-2562': permanent(
    'A resource that is not running cannot be relocated (CRS-2562).',
    'Read srvctl status service: start the service where it should run instead of relocating it.',
  ),
  'CRS-2530': permanent(
    'A resource cannot stop because another has a stop-time dependency on it (CRS-2530).',
    'Read the accompanying message about the other resource.',
  ),
  'CRS-2670': permanent(
    'A resource cannot start or relocate because another has a stop-time dependency on it (CRS-2670).',
    'Read the accompanying message about the other resource.',
  ),
};

/** Codes whose line only wraps a cause (besides any line saying "Failed to ..."). */
const WRAPPER_CODES = new Set(['CRS-5017', 'CRS-4000']);
const WRAPPER_TEXT = /^(failed to |(start|stop|relocate|clean) of .* failed|attempting to )/i;

const CODE = /\b(PR[A-Z]{2}|CRS|CLSR|ORA)-(\d{1,5})\b/g;

function normalize(prefix: string, digits: string): string {
  if (prefix === 'ORA') return `ORA-${digits.padStart(5, '0')}`;
  return `${prefix}-${String(Number(digits)).padStart(4, '0')}`;
}

interface Coded {
  code: string;
  /** The line's text after the code */
  text: string;
}

function codedLines(text: string): Coded[] {
  const out: Coded[] = [];
  for (const line of text.split(/\r?\n/)) {
    for (const m of line.matchAll(CODE)) {
      const rest = line.slice(m.index! + m[0].length).replace(/^\s*:\s*/, '').trim();
      out.push({ code: normalize(m[1]!, m[2]!), text: rest });
    }
  }
  return out;
}

const STATE_OF: Partial<Record<SrvctlCommandKind, State>> = {
  'start-service': 'running',
  'start-instance': 'running',
  'stop-service': 'stopped',
  'stop-instance': 'stopped',
  'enable-service': 'enabled',
  'enable-instance': 'enabled',
  'disable-service': 'disabled',
  'disable-instance': 'disabled',
};

function outcome(code: string, kind: SrvctlErrorKind, explanation: string, action: string): Known & { code: string } {
  return { code, kind, explanation, action };
}

/** How one coded line weighs: null for a wrapper. */
function judge(c: Coded, wanted: State | undefined): (Known & { code: string }) | null {
  if (c.code.startsWith('ORA-')) {
    const o = classifyOracleError({ message: `${c.code}: ${c.text}` });
    const kind = o.kind === 'transient' ? 'transient' : 'permanent';
    return outcome(c.code, kind, o.explanation, 'See the Oracle error; orb retries only transient ones.');
  }
  if (WRAPPER_CODES.has(c.code) || WRAPPER_TEXT.test(c.text)) return null;
  const done = ALREADY[c.code];
  if (done && done.state === wanted) return { code: c.code, ...done };
  if (done) return outcome(c.code, 'permanent', done.explanation, 'That is not the state this command expects: read the status first.');
  const known = TRANSIENT[c.code] ?? PERMANENT[c.code];
  if (known) return { code: c.code, ...known };
  const unknown = `srvctl failed with ${c.code}, a code orb does not know to be safe to retry.`;
  return outcome(c.code, 'permanent', unknown, 'Read the message and the Clusterware logs, fix the cause, then retry the step.');
}

function firstLines(out: SrvctlOutput): string {
  const lines = `${out.stdout}\n${out.stderr}`.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return clip(sanitize(lines.slice(0, 6).join(' | ')), 600);
}

function onlyWrappers(code: string): Known & { code: string } {
  return outcome(code, 'permanent', `srvctl failed (${code}) without saying why.`, 'Read the Clusterware logs on the node, fix the cause, then retry.');
}

function byExitStatus(exitCode: number | null): Known & { code: string } {
  if (exitCode === null) {
    const what = 'The command ended without an exit status (the connection or the process was cut).';
    return outcome('SshNoExitStatus', 'transient', what, 'orb retries; srvctl commands are safe to repeat (a repeat finds the change made).');
  }
  if (exitCode === 127) {
    const what = 'The remote shell did not find srvctl at the configured path (exit status 127).';
    return outcome('SRVCTL-NOT-FOUND', 'permanent', what, "Fix the estate file's srvctl.path (bin/srvctl of the Grid or database home).");
  }
  if (exitCode === 126) {
    const what = 'srvctl exists at the configured path but this user may not run it (exit status 126).';
    return outcome('SRVCTL-NOT-EXECUTABLE', 'permanent', what, 'Connect as the grid or oracle software owner, or fix the permissions.');
  }
  const what = `srvctl exited with status ${exitCode} without an Oracle message code.`;
  return outcome(`SRVCTL-EXIT-${exitCode}`, 'permanent', what, 'Read its output; fix the cause, then retry the step.');
}

/**
 * Classifies a srvctl run that did not succeed (exit status other than 0, or none). `kind`, the
 * command that ran, decides which "already" messages mean success: "already running" for a start,
 * "already stopped" for a stop, "already enabled|disabled" for an enable|disable. Never throws.
 */
export function classifySrvctlFailure(out: SrvctlOutput, kind?: SrvctlCommandKind): ClassifiedSrvctlError {
  const message = firstLines(out);
  const coded = codedLines(`${out.stdout}\n${out.stderr}`);
  const codes = [...new Set(coded.map((c) => c.code))];
  const judged = coded.map((c) => judge(c, kind ? STATE_OF[kind] : undefined)).filter((j) => j !== null);
  const pick =
    judged.find((j) => j.kind === 'permanent') ??
    judged.find((j) => j.kind === 'transient') ??
    judged[0] ??
    (codes.length > 0 && out.exitCode !== null ? onlyWrappers(codes[0]!) : byExitStatus(out.exitCode));
  const nodeLocal = judged.every((j) => j.kind !== 'transient' || j.tryAnotherNode === true);
  const tryAnotherNode = pick.kind === 'transient' && judged.length > 0 && nodeLocal;
  const { code, explanation, action } = pick;
  return { kind: pick.kind, code, codes, message, explanation, action, tryAnotherNode };
}
