/**
 * Label values of orb's metrics (README "Metrics"), bounded by construction: a Prometheus series
 * exists per distinct label set, so a label never carries free text, a message, or a name someone
 * typed (a PDB, a service, an instance, a user). Names orb builds from such a value
 * (`drain-RAC1`, `fix-SALES_RW`) become their template (`drain-{instance}`, `fix-{service}`);
 * anything not known here is `other`. Pure functions: used by workflow and activity code alike.
 */

/** Stage names the runbooks use as they are (workflows/*.ts, workflows/shared/*.ts). */
const FIXED_STAGES = new Set([
  'input', 'fence', 'preflight', 'compensate', 'save-state', 'copy', 'drain', 'upgrade', 'open', 'reopen', 'verify',
  'start-services', 'save-state-target', 'drop-tombstone', 'readiness', 'read', 'check-consumers', 'generate-wallet',
  'propagate', 'restore-consumers', 'settle-consumers',
  ...['switchover', 'failover', 'switch-back'].flatMap((s) => [s, `${s}-work-request`, `${s}-verify-roles`]),
]);

/** Gate names used as they are. */
const FIXED_GATES = new Set([
  'copy', 'cutover', 'drain-timeout', 'upgrade', 'drop-tombstone', 'fix', 'failover', 'switchover', 'start',
]);

/** Names built from a runtime value: prefix → label. Longer prefixes first where one starts another. */
const STAGE_TEMPLATES: [string, string][] = [
  ['disable-services-', 'disable-services-{instance}'],
  ['drain-', 'drain-{instance}'],
  ['stop-', 'stop-{instance}'],
  ['maintenance-', 'maintenance-{instance}'],
  ['rebalance-', 'rebalance-{instance}'],
  ['start-', 'start-{instance}'],
  ['services-', 'services-{instance}'],
  ['fix-', 'fix-{service}'],
];
const GATE_TEMPLATES: [string, string][] = [
  ['recover-maintenance-', 'recover-maintenance-{instance}'],
  ['maintenance-', 'maintenance-{instance}'],
  ['drain-timeout-', 'drain-timeout-{instance}'],
];

const RETRY_SUFFIX = / \(retry \d+\)$/;

function templated(name: string, templates: [string, string][]): string {
  return templates.find(([prefix]) => name.startsWith(prefix))?.[1] ?? 'other';
}

/** A gate's name as a label: `cutover`, `maintenance-{instance}`, `recover-{stage}`, else `other`. */
export function gateLabel(name: string): string {
  if (FIXED_GATES.has(name)) return name;
  const t = templated(name, GATE_TEMPLATES);
  if (t !== 'other' || !name.startsWith('recover-')) return t;
  return `recover-${stageLabel(name.slice('recover-'.length), false)}`;
}

/** A stage's name as a label: its retries count as the stage; `approve-<gate>` as the gate's label. */
export function stageLabel(name: string, approvals = true): string {
  const base = name.replace(RETRY_SUFFIX, '');
  if (FIXED_STAGES.has(base)) return base;
  if (approvals && base.startsWith('approve-')) return `approve-${gateLabel(base.slice('approve-'.length))}`;
  return templated(base, STAGE_TEMPLATES);
}

/** A runbook's name (a constant of the code, e.g. relocate-pdb) as a label. */
export function runbookLabel(runbook: string): string {
  return /^[a-z][a-z-]{0,39}$/.test(runbook) ? runbook : 'other';
}

/**
 * An error code as a label: Oracle and Oracle Clusterware codes (ORA-03113, NJS-500, PRCC-1016,
 * CRS-2974, PRKO-2002), Node network codes (ECONNREFUSED), a few words orb uses (InputError,
 * SshHostKeyChanged, UNKNOWN); anything else `other`. There are many such codes, but finitely many.
 */
export function errorCodeLabel(code: string | null | undefined): string {
  if (!code) return 'other';
  if (/^(ORA|NJS|DPI|TNS|PR[A-Z]{1,3}|CRS|CLSR|SSH)-\d{3,5}$/.test(code)) return code;
  if (/^E[A-Z0-9_]{2,24}$/.test(code)) return code;
  if (/^[A-Z][A-Za-z]{2,39}$/.test(code)) return code; // InputError, SshHostKeyChanged, UNKNOWN, SrvctlOutput
  return 'other';
}

/**
 * An HTTP API error as a label: status and the service's code (`409/IncorrectState`,
 * `404/HTTP-404`), `no-answer` without a status. The service code is kept when it is a word or
 * an HTTP-nnn (OCI's codes, OIC's o:errorCode); a code made of anything else becomes `other`.
 */
export function httpCodeLabel(status: number | null, code: string | null | undefined): string {
  if (status === null || !Number.isInteger(status) || status < 100 || status > 599) return 'no-answer';
  const c = code && /^([A-Za-z][A-Za-z0-9_.-]{0,47}|HTTP-\d{3})$/.test(code) ? code : 'other';
  return `${status}/${c}`;
}
