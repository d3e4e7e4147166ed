/**
 * Readers of `srvctl config service` and `srvctl config database`: "Key: value" lines, as srvctl
 * 12.2-19c prints them (transcripts of 19c clusters, e.g.):
 *
 *   Service name: demosrv
 *   Management policy: AUTOMATIC
 *   AQ HA notifications: true
 *   Commit Outcome: false
 *   Failover type:
 *   Failover retries: 30
 *   Failover restore: NONE
 *   Pluggable database name: PDB1
 *   Retention: 86400 seconds
 *   Replay Initiation Time: 300 seconds
 *   Drain timeout: 300 seconds
 *   Stop option: immediate
 *   Session State Consistency: DYNAMIC
 *   Service is enabled
 *   Preferred instances: CONT1,CONT2
 *   Available instances:
 *
 * An attribute never set prints its key with nothing after it (null here). 12.1 printed "TAF failover
 * retries" / "TAF failover delay"; 23ai prints TRUE/FALSE in capitals and adds keys (Failback, Reset
 * State, ...): all accepted. Without -service, services follow each other, each from its
 * "Service name:" line. Every line is kept in `attributes` as printed; the readiness attributes are
 * also typed. Strict where orb interprets (a number, a boolean or a name that does not parse is an
 * error), tolerant of keys it does not know. The notification attribute is printed "AQ HA
 * notifications" (srvctl's -notification option); "Service is individually disabled on instances:"
 * is the admin-managed wording by analogy with "... on nodes:" (UNVERIFIED).
 */
import { isInstanceName, isNodeName, isServiceName } from './names';
import { SrvctlOutputError } from './output-error';

export interface ServiceConfig {
  name: string;
  /** Pluggable database name */
  pdb: string | null;
  preferredInstances: string[];
  availableInstances: string[];
  /** Upper case: NONE, SESSION, SELECT, TRANSACTION, AUTO */
  failoverType: string | null;
  failoverMethod: string | null;
  /** NONE, LEVEL1, AUTO */
  failoverRestore: string | null;
  failoverRetries: number | null;
  /** Seconds */
  failoverDelay: number | null;
  commitOutcome: boolean | null;
  /** "AQ HA notifications": FAN for OCI / ODP.NET clients */
  notification: boolean | null;
  /** Seconds */
  retention: number | null;
  /** Seconds */
  replayInitiationTime: number | null;
  /** Seconds */
  drainTimeout: number | null;
  /** Upper case: NONE, IMMEDIATE, TRANSACTIONAL */
  stopOption: string | null;
  /** Upper case: DYNAMIC, STATIC, AUTO */
  sessionStateConsistency: string | null;
  managementPolicy: string | null;
  role: string | null;
  /** "Service is enabled" / "Service is disabled" */
  enabled: boolean | null;
  disabledInstances: string[];
  /** Every "Key: value" line as printed (value trimmed) */
  attributes: Record<string, string>;
}

export interface DatabaseConfig {
  uniqueName: string;
  name: string | null;
  oracleHome: string | null;
  /** RAC, RACOneNode, SINGLE */
  type: string | null;
  managementPolicy: string | null;
  instances: string[];
  nodes: string[];
  services: string[];
  /** "Database is administrator managed" / "... policy managed" */
  administratorManaged: boolean | null;
  attributes: Record<string, string>;
}

const KEY_VALUE = /^([^:]+?)\s*:\s*(.*)$/;

interface Block {
  pairs: Map<string, { key: string; value: string; line: string }>;
  flags: string[];
}

function readBlock(what: string, lines: string[]): Block {
  const pairs: Block['pairs'] = new Map();
  const flags: string[] = [];
  for (const line of lines) {
    const m = KEY_VALUE.exec(line);
    if (!m) {
      flags.push(line);
      continue;
    }
    const lower = m[1]!.toLowerCase();
    if (pairs.has(lower)) throw new SrvctlOutputError(what, `the key "${m[1]}" appears twice in one block`, line);
    pairs.set(lower, { key: m[1]!, value: m[2]!.trim(), line });
  }
  return { pairs, flags };
}

class Reader {
  constructor(
    private readonly what: string,
    private readonly b: Block,
  ) {}

  private entry(keys: string[]) {
    for (const k of keys) {
      const e = this.b.pairs.get(k.toLowerCase());
      if (e) return e;
    }
    return undefined;
  }

  text(...keys: string[]): string | null {
    const v = this.entry(keys)?.value;
    return v === undefined || v === '' ? null : v;
  }

  upper(...keys: string[]): string | null {
    return this.text(...keys)?.toUpperCase() ?? null;
  }

  /** "300", "300 seconds" */
  number(...keys: string[]): number | null {
    const e = this.entry(keys);
    if (!e || e.value === '') return null;
    const m = /^(\d{1,10})(?:\s+seconds?)?$/i.exec(e.value);
    if (!m) throw new SrvctlOutputError(this.what, `"${e.key}" is not a number of seconds or a count`, e.line);
    return Number(m[1]);
  }

  bool(...keys: string[]): boolean | null {
    const e = this.entry(keys);
    if (!e || e.value === '') return null;
    if (/^true$/i.test(e.value)) return true;
    if (/^false$/i.test(e.value)) return false;
    throw new SrvctlOutputError(this.what, `"${e.key}" is neither true nor false`, e.line);
  }

  list(check: (v: string) => boolean, kind: string, ...keys: string[]): string[] {
    const e = this.entry(keys);
    if (!e || e.value === '') return [];
    const names = e.value.split(',').map((n) => n.trim()).filter((n) => n !== '');
    const bad = names.find((n) => !check(n));
    if (bad !== undefined) throw new SrvctlOutputError(this.what, `${JSON.stringify(bad)} in "${e.key}" is not ${kind} orb accepts`, e.line);
    return names;
  }

  attributes(): Record<string, string> {
    return Object.fromEntries([...this.b.pairs.values()].map((e) => [e.key, e.value]));
  }

  hasFlag(re: RegExp): boolean {
    return this.b.flags.some((f) => re.test(f));
  }
}

function nonEmptyLines(out: string): string[] {
  return out.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

function serviceConfig(lines: string[]): ServiceConfig {
  const what = 'srvctl config service';
  const r = new Reader(what, readBlock(what, lines));
  const name = r.text('Service name')!;
  if (!isServiceName(name)) throw new SrvctlOutputError(what, `${JSON.stringify(name)} is not a service name orb accepts`, lines[0]);
  const enabled = r.hasFlag(/^Service is enabled$/i) ? true : r.hasFlag(/^Service is disabled$/i) ? false : null;
  return {
    name,
    pdb: r.text('Pluggable database name'),
    preferredInstances: r.list(isInstanceName, 'an instance name', 'Preferred instances'),
    availableInstances: r.list(isInstanceName, 'an instance name', 'Available instances'),
    failoverType: r.upper('Failover type'),
    failoverMethod: r.upper('Failover method'),
    failoverRestore: r.upper('Failover restore'),
    failoverRetries: r.number('Failover retries', 'TAF failover retries'),
    failoverDelay: r.number('Failover delay', 'TAF failover delay'),
    commitOutcome: r.bool('Commit Outcome'),
    notification: r.bool('AQ HA notifications', 'Notification'),
    retention: r.number('Retention'),
    replayInitiationTime: r.number('Replay Initiation Time'),
    drainTimeout: r.number('Drain timeout'),
    stopOption: r.upper('Stop option'),
    sessionStateConsistency: r.upper('Session State Consistency'),
    managementPolicy: r.upper('Management policy'),
    role: r.upper('Service role'),
    enabled,
    disabledInstances: r.list(isInstanceName, 'an instance name', 'Service is individually disabled on instances'),
    attributes: r.attributes(),
  };
}

/** Every service of `srvctl config service` output (one, with -service), in order. */
export function parseServiceConfig(stdout: string): ServiceConfig[] {
  const blocks: string[][] = [];
  for (const line of nonEmptyLines(stdout)) {
    if (/^Service name\s*:/i.test(line)) blocks.push([line]);
    else blocks.at(-1)?.push(line);
  }
  return blocks.map(serviceConfig);
}

/** `srvctl config database -db <db>` output. */
export function parseDatabaseConfig(stdout: string): DatabaseConfig {
  const what = 'srvctl config database';
  const r = new Reader(what, readBlock(what, nonEmptyLines(stdout)));
  const uniqueName = r.text('Database unique name');
  if (!uniqueName) throw new SrvctlOutputError(what, 'the output has no "Database unique name" line');
  const admin = r.hasFlag(/^Database is administrator managed$/i) ? true : r.hasFlag(/^Database is policy managed$/i) ? false : null;
  return {
    uniqueName,
    name: r.text('Database name'),
    oracleHome: r.text('Oracle home'),
    type: r.text('Type'),
    managementPolicy: r.upper('Management policy'),
    instances: r.list(isInstanceName, 'an instance name', 'Database instances', 'Database instance'),
    nodes: r.list(isNodeName, 'a node name', 'Configured nodes'),
    services: r.list(isServiceName, 'a service name', 'Services'),
    administratorManaged: admin,
    attributes: r.attributes(),
  };
}
