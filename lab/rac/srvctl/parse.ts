/**
 * srvctl's own command-line parser (the lab's, written from Oracle's documented syntax; it shares
 * nothing with orb's srvctl client, so that each checks the other): `<verb> <noun> -option value ...`.
 * Errors are srvctl's: an unknown object PRKO-2011, an unknown option PRKO-2002, a missing or
 * repeated option, a missing or malformed value, options that exclude each other PRKO-2001.
 */
import { ALIASES, COMMANDS, NOUNS, VERBS, type CommandSpec, type OptionSpec } from './grammar';
import { msg, SrvctlError } from './srvctl-messages';

export type OptionValue = true | string | string[] | number;

export interface SrvctlCommand {
  verb: string;
  noun: string;
  /** "<verb> <noun>" */
  key: string;
  spec: CommandSpec;
  options: Record<string, OptionValue>;
}

export type Parsed =
  | { kind: 'command'; command: SrvctlCommand }
  | { kind: 'version' }
  | { kind: 'unsimulated'; key: string };

const NAME = /^[A-Za-z][A-Za-z0-9_.#$-]{0,127}$/;

function value(spec: OptionSpec, raw: string): OptionValue | null {
  switch (spec.kind) {
    case 'name':
      return NAME.test(raw) ? raw : null;
    case 'names': {
      const list = raw.split(',');
      return list.every((n) => NAME.test(n)) ? list : null;
    }
    case 'int':
      return /^\d{1,9}$/.test(raw) ? Number(raw) : null;
    case 'enum': {
      const v = raw.toUpperCase();
      return spec.values!.includes(v) ? v : null;
    }
    case 'flag':
      return true;
  }
}

function optionName(token: string): string | null {
  if (!token.startsWith('-') || token.length < 2) return null;
  const raw = token.slice(1);
  return ALIASES[raw] ?? raw;
}

function readOptions(spec: CommandSpec, args: string[]): Record<string, OptionValue> {
  const options: Record<string, OptionValue> = {};
  for (let k = 0; k < args.length; k++) {
    const token = args[k]!;
    const name = optionName(token);
    if (name === null) throw new SrvctlError(msg.syntax());
    const o = spec.options[name];
    if (!o) throw new SrvctlError(msg.invalidOption(token));
    if (name in options) throw new SrvctlError(msg.syntax());
    if (o.kind === 'flag') {
      options[name] = true;
      continue;
    }
    const raw = args[++k];
    if (raw === undefined || raw.startsWith('-')) throw new SrvctlError(msg.syntax());
    const v = value(o, raw);
    if (v === null) throw new SrvctlError(msg.syntax());
    options[name] = v;
  }
  return options;
}

function checkOptions(key: string, spec: CommandSpec, options: Record<string, OptionValue>): void {
  for (const group of spec.required) if (!group.some((o) => o in options)) throw new SrvctlError(msg.syntax());
  for (const [a, b] of spec.exclusive ?? []) if (a in options && b in options) throw new SrvctlError(msg.syntax());
  // stop service takes [-force [-failover]]: -failover only with -force (stop instance takes it alone).
  if (key === 'stop service' && options.failover && !options.force) throw new SrvctlError(msg.syntax());
}

/** Parses srvctl's arguments (after the program); throws SrvctlError as srvctl would refuse them. */
export function parseSrvctl(args: string[]): Parsed {
  const [verb, noun, ...rest] = args;
  if (verb === '-version' || verb === '-V') return { kind: 'version' };
  if (verb === undefined || !VERBS.includes(verb)) throw new SrvctlError(msg.syntax());
  if (noun === undefined) throw new SrvctlError(msg.syntax());
  if (!NOUNS.includes(noun)) throw new SrvctlError(msg.invalidObject(noun));
  const key = `${verb} ${noun}`;
  const spec = COMMANDS[key];
  if (!spec) return { kind: 'unsimulated', key };
  const options = readOptions(spec, rest);
  checkOptions(key, spec, options);
  return { kind: 'command', command: { verb, noun, key, spec, options } };
}

/** Whether a verb changes anything (its calls go to the oplog, refused ones too). */
export function isMutatingVerb(verb: string | undefined): boolean {
  return verb !== undefined && !['status', 'config', 'getenv', 'predict'].includes(verb);
}
