/**
 * The srvctl commands the lab serves and their options, after Oracle's SRVCTL reference (12.2+
 * long options; the deprecated single-letter forms -d -s -i -n -f -v are accepted as synonyms):
 *
 *   srvctl start instance  -db <db> {-instance "<inst_list>" | -node <node>} [-startoption <opt>]
 *   srvctl stop instance   -db <db> {-instance "<inst_list>" | -node <node>} [-stopoption <opt>]
 *                          [-drain_timeout <s>] [-force] [-failover]
 *   srvctl status instance -db <db> {-instance "<inst_list>" | -node <node>} [-verbose]
 *   srvctl enable|disable instance -db <db> -instance "<inst_list>"
 *   srvctl start service   -db <db> [-service "<svc_list>"] [-instance <inst> | -node <node>] [-pdb <pdb>] [-startoption <opt>] [-eval]
 *   srvctl stop service    -db <db> [-service "<svc_list>"] [-instance <inst> | -node <node>] [-pdb <pdb>]
 *                          [-drain_timeout <s>] [-stopoption NONE|TRANSACTIONAL|IMMEDIATE] [-force [-failover]] [-eval]
 *   srvctl relocate service -db <db> -service <svc> -oldinst <inst> -newinst <inst>
 *                          [-drain_timeout <s>] [-stopoption <opt>] [-force] [-eval]
 *   srvctl status service  -db <db> [-service "<svc_list>"] [-pdb <pdb>] [-verbose]
 *   srvctl config service  -db <db> [-service <svc>] [-verbose]
 *   srvctl enable|disable service -db <db> -service "<svc_list>" [-instance <inst> | -node <node>]
 *   srvctl modify service  -db <db> -service <svc> [-failovertype NONE|SESSION|SELECT|TRANSACTION|AUTO]
 *                          [-failovermethod NONE|BASIC] [-failoverretry <n>] [-failoverdelay <s>]
 *                          [-failover_restore NONE|LEVEL1|AUTO] [-commit_outcome TRUE|FALSE]
 *                          [-replay_init_time <s>] [-retention <s>] [-notification TRUE|FALSE]
 *                          [-drain_timeout <s>] [-stopoption NONE|TRANSACTIONAL|IMMEDIATE]
 *                          [-session_state STATIC|DYNAMIC|AUTO]
 *   srvctl status database -db <db> [-verbose]
 *   srvctl config database [-db <db>]
 * Enum values are taken case-insensitively (kept upper case).
 *   srvctl -version
 */

export type OptionKind = 'flag' | 'name' | 'names' | 'int' | 'enum';

export interface OptionSpec {
  kind: OptionKind;
  values?: readonly string[];
}

export interface CommandSpec {
  options: Record<string, OptionSpec>;
  /** Each entry: one of these options must be given */
  required: string[][];
  /** Pairs that may not be given together */
  exclusive?: [string, string][];
  mutating: boolean;
}

const name: OptionSpec = { kind: 'name' };
const names: OptionSpec = { kind: 'names' };
const int: OptionSpec = { kind: 'int' };
const flag: OptionSpec = { kind: 'flag' };
const oneOf = (...values: string[]): OptionSpec => ({ kind: 'enum', values });

export const SERVICE_STOP_OPTIONS = ['NONE', 'TRANSACTIONAL', 'IMMEDIATE'] as const;
export const SHUTDOWN_OPTIONS = ['NORMAL', 'TRANSACTIONAL', 'IMMEDIATE', 'ABORT'] as const;
const START_OPTIONS = ['OPEN', 'MOUNT', 'NOMOUNT', 'READ ONLY', 'READ WRITE', 'RESTRICT', 'FORCE'];

const target = { instance: names, node: name };
const INST_OR_NODE: [string, string][] = [['instance', 'node']];
const stopOption = oneOf(...SERVICE_STOP_OPTIONS);

function cmd(options: Record<string, OptionSpec>, required: string[][], mutating: boolean, exclusive?: [string, string][]): CommandSpec {
  return { options, required, mutating, ...(exclusive ? { exclusive } : {}) };
}

const modifyOptions: Record<string, OptionSpec> = {
  db: name,
  service: name,
  failovertype: oneOf('NONE', 'SESSION', 'SELECT', 'TRANSACTION', 'AUTO'),
  failovermethod: oneOf('NONE', 'BASIC'),
  failoverretry: int,
  failoverdelay: int,
  failover_restore: oneOf('NONE', 'LEVEL1', 'AUTO'),
  commit_outcome: oneOf('TRUE', 'FALSE'),
  replay_init_time: int,
  retention: int,
  notification: oneOf('TRUE', 'FALSE'),
  drain_timeout: int,
  stopoption: stopOption,
  session_state: oneOf('STATIC', 'DYNAMIC', 'AUTO'),
};

const svcTarget = { db: name, service: names, instance: name, node: name };
const drain = { drain_timeout: int, stopoption: stopOption, force: flag, eval: flag };
const relocateOptions = { db: name, service: name, oldinst: name, newinst: name, pdb: name, ...drain };

export const COMMANDS: Record<string, CommandSpec> = {
  'start instance': cmd({ db: name, ...target, startoption: oneOf(...START_OPTIONS) }, [['db'], ['instance', 'node']], true, INST_OR_NODE),
  'stop instance': cmd(
    { db: name, ...target, stopoption: oneOf(...SHUTDOWN_OPTIONS), drain_timeout: int, force: flag, failover: flag },
    [['db'], ['instance', 'node']],
    true,
    INST_OR_NODE,
  ),
  'status instance': cmd({ db: name, ...target, verbose: flag, force: flag }, [['db'], ['instance', 'node']], false, INST_OR_NODE),
  'enable instance': cmd({ db: name, instance: names }, [['db'], ['instance']], true),
  'disable instance': cmd({ db: name, instance: names }, [['db'], ['instance']], true),
  'start service': cmd({ ...svcTarget, pdb: name, startoption: oneOf(...START_OPTIONS), eval: flag }, [['db']], true, INST_OR_NODE),
  'stop service': cmd(
    { ...svcTarget, pdb: name, ...drain, failover: flag },
    [['db']],
    true,
    INST_OR_NODE,
  ),
  'relocate service': cmd(relocateOptions, [['db'], ['service'], ['oldinst'], ['newinst']], true),
  'status service': cmd({ db: name, service: names, pdb: name, verbose: flag, force: flag }, [['db']], false),
  'config service': cmd({ db: name, service: name, verbose: flag }, [['db']], false),
  'enable service': cmd(svcTarget, [['db'], ['service']], true, INST_OR_NODE),
  'disable service': cmd(svcTarget, [['db'], ['service']], true, INST_OR_NODE),
  'modify service': cmd(modifyOptions, [['db'], ['service']], true),
  'status database': cmd({ db: name, verbose: flag, force: flag }, [['db']], false),
  'config database': cmd({ db: name, verbose: flag }, [], false),
};

/** srvctl's verbs and objects (nouns); a command of them the lab does not serve is "not simulated", not invalid. */
export const VERBS = [
  'add', 'config', 'convert', 'disable', 'downgrade', 'enable', 'getenv', 'modify', 'predict',
  'relocate', 'remove', 'setenv', 'start', 'status', 'stop', 'unsetenv', 'update', 'upgrade',
];
export const NOUNS = [
  'database', 'instance', 'service', 'nodeapps', 'vip', 'network', 'asm', 'diskgroup', 'listener', 'srvpool',
  'scan', 'scan_listener', 'oc4j', 'home', 'filesystem', 'gns', 'cvu', 'havip', 'exportfs', 'volume', 'mgmtdb',
  'mgmtlsnr', 'rhpserver', 'rhpclient', 'cha', 'host', 'pdb', 'ons', 'qosmserver', 'cdp', 'acfsrapps', 'tfa', 'ahf',
];

/** Deprecated single-letter options and the 12.2 long synonyms, mapped to the names above. */
export const ALIASES: Record<string, string> = {
  d: 'db',
  database: 'db',
  s: 'service',
  i: 'instance',
  n: 'node',
  f: 'force',
  v: 'verbose',
};

export const SRVCTL_VERSION = '19.0.0.0.0';
