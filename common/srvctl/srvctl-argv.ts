/**
 * From a typed srvctl command to the argument vector srvctl takes, and to the one command line
 * sent over SSH exec. The remote side runs that line through the login shell, so nothing in it may
 * carry shell meaning: the command is validated first (names by their allow-lists), and the line is
 * checked again word by word; nothing is ever quoted, because nothing needs to be. Pure: safe in
 * workflow code (`orb plan` shows these lines).
 */
import { InputError } from '../input-error';
import { dottedPath, firstRule } from '../validation';
import { srvctlCommandSchema, type ServiceAttributes, type SrvctlCommand } from './commands';
import { srvctlPathProblem } from './names';

/** The command, validated; an InputError names the first field at fault and its rule. */
export function validSrvctlCommand(cmd: unknown): SrvctlCommand {
  const r = srvctlCommandSchema.safeParse(cmd);
  if (r.success) return r.data as SrvctlCommand;
  throw new InputError(dottedPath(r.error.issues[0]!.path), firstRule(r.error));
}

const upper = (b: boolean) => (b ? 'TRUE' : 'FALSE');

function opt(name: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [name, String(value)];
}

function flags(...pairs: [string, boolean | undefined][]): string[] {
  return pairs.filter(([, on]) => on === true).map(([name]) => name);
}

function attributeArgs(a: ServiceAttributes): string[] {
  return [
    ...opt('-failovertype', a.failoverType),
    ...opt('-failovermethod', a.failoverMethod),
    ...opt('-failover_restore', a.failoverRestore),
    ...opt('-commit_outcome', a.commitOutcome === undefined ? undefined : upper(a.commitOutcome)),
    ...opt('-replay_init_time', a.replayInitTime),
    ...opt('-retention', a.retention),
    ...opt('-session_state', a.sessionState),
    ...opt('-notification', a.notification === undefined ? undefined : upper(a.notification)),
    ...opt('-failoverretry', a.failoverRetry),
    ...opt('-failoverdelay', a.failoverDelay),
    ...opt('-drain_timeout', a.drainTimeout),
    ...opt('-stopoption', a.stopOption),
  ];
}

const yesNo = (b: boolean | undefined) => (b === undefined ? undefined : b ? 'YES' : 'NO');

function argvOf(c: SrvctlCommand): string[] {
  const db = ['-db', c.db];
  switch (c.kind) {
    case 'status-service':
      return ['status', 'service', ...db, ...opt('-service', c.service)];
    case 'status-instance':
      return ['status', 'instance', ...db, '-instance', c.instances.join(',')];
    case 'status-database':
      return ['status', 'database', ...db];
    case 'config-service':
      return ['config', 'service', ...db, ...opt('-service', c.service)];
    case 'config-database':
      return ['config', 'database', ...db];
    case 'start-service':
      return ['start', 'service', ...db, '-service', c.service, ...opt('-instance', c.instance), ...flags(['-eval', c.eval])];
    case 'stop-service':
      return [
        'stop', 'service', ...db, '-service', c.service, ...opt('-instance', c.instance),
        ...opt('-stopoption', c.stopOption), ...opt('-drain_timeout', c.drainTimeout), ...opt('-wait', yesNo(c.wait)),
        ...flags(['-force', c.force], ['-noreplay', c.noreplay], ['-failover', c.failover], ['-eval', c.eval]),
      ];
    case 'enable-service':
    case 'disable-service':
      return [c.kind.split('-')[0]!, 'service', ...db, '-service', c.service, ...opt('-instance', c.instance)];
    case 'relocate-service':
      return [
        'relocate', 'service', ...db, '-service', c.service, '-oldinst', c.oldInstance, '-newinst', c.newInstance,
        ...opt('-drain_timeout', c.drainTimeout), ...opt('-wait', yesNo(c.wait)),
        ...flags(['-force', c.force], ['-noreplay', c.noreplay]), ...opt('-stopoption', c.stopOption), ...flags(['-eval', c.eval]),
      ];
    case 'modify-service':
      return ['modify', 'service', ...db, '-service', c.service, ...attributeArgs(c.attributes)];
    case 'stop-instance':
      return [
        'stop', 'instance', ...db, '-instance', c.instance,
        ...opt('-stopoption', c.stopOption), ...opt('-drain_timeout', c.drainTimeout),
        ...flags(['-force', c.force], ['-failover', c.failover]),
      ];
    case 'start-instance':
    case 'enable-instance':
    case 'disable-instance':
      return [c.kind.split('-')[0]!, 'instance', ...db, '-instance', c.instance];
  }
}

/**
 * The argument vector of a command (without the srvctl path), e.g. for
 * `{ kind: 'stop-service', db: 'raccdb', service: 'sales', instance: 'raccdb1', drainTimeout: 300, stopOption: 'TRANSACTIONAL' }`:
 * `stop service -db raccdb -service sales -instance raccdb1 -stopoption TRANSACTIONAL -drain_timeout 300`.
 * Throws an InputError naming the field at fault (and its rule) for anything not valid.
 */
export function srvctlArgv(cmd: SrvctlCommand): string[] {
  return argvOf(validSrvctlCommand(cmd));
}

/** A word of the command line: letters, digits, _ . , - only (the comma joins instance lists). */
const SAFE_WORD = /^[A-Za-z0-9_.,-]+$/;

/**
 * The single string sent over SSH exec: the srvctl path, then the arguments, separated by one blank.
 * The path must be absolute and end in /bin/srvctl; every argument is checked again against the
 * safe characters (defence in depth: argv should come from srvctlArgv).
 */
export function commandLine(srvctlPath: string, argv: readonly string[]): string {
  const p = srvctlPathProblem(srvctlPath);
  if (p) throw new InputError('srvctl.path', p);
  if (argv.length === 0) throw new InputError('argv', 'must hold at least the srvctl verb and object');
  argv.forEach((w, i) => {
    if (typeof w !== 'string' || !SAFE_WORD.test(w) || w.length > 300) {
      throw new InputError(`argv[${i}]`, 'must be 1 to 300 letters, digits, _ . , or - (nothing a shell would interpret)');
    }
  });
  return [srvctlPath, ...argv].join(' ');
}

/** The command line of a typed command: what `orb plan` shows and what the executor sends. */
export function srvctlCommandLine(srvctlPath: string, cmd: SrvctlCommand): string {
  return commandLine(srvctlPath, srvctlArgv(cmd));
}
