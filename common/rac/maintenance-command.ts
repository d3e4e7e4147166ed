/**
 * The maintenance an instance's turn runs once the instance is stopped: a command named in the estate file and run
 * over SSH on the node that hosts the instance (the same nodes and keys as srvctl), instead of an operator's gate.
 *
 *   "maintenance": { "os-patch": { "command": ["/u01/app/oracle/scripts/patch-node.sh", "-node", "{node}"],
 *                                  "timeout": "2h", "description": "OS patches, then reboot" } }
 *
 * The command is an argument vector, never a shell line: the program is an absolute path, and every argument is made
 * of letters, digits and _ . / : = , @ + % - only (no blank, quote or shell metacharacter), so the line sent over SSH
 * is the arguments joined by blanks and the remote shell has nothing to expand. Placeholders {node}, {instance} and
 * {db} are replaced by the turn's node, instance and database unique name, each itself a validated name.
 * Pure (zod only): the workflow and `orb plan` use it as the activity does.
 */
import { z } from 'zod';
import { preview } from '../untrusted-text';
import { dbUniqueName, instanceName, nodeName } from '../srvctl/names';

export const MAINTENANCE_NAME_RULE =
  'a lower-case letter, then lower-case letters, digits and -, at most 40 characters';
export const maintenanceNameSchema = z
  .string({ error: `must be a maintenance command name: ${MAINTENANCE_NAME_RULE}` })
  .regex(/^[a-z][a-z0-9-]{0,39}$/, `must be ${MAINTENANCE_NAME_RULE}`);

const PLACEHOLDERS = ['node', 'instance', 'db'] as const;
export type MaintenanceVars = Record<(typeof PLACEHOLDERS)[number], string>;

const ARG_CHARS = /^[A-Za-z0-9_./:=,@+%-]+$/;
const ARG_RULE = 'letters, digits and _ . / : = , @ + % - only, or a placeholder {node}, {instance}, {db}';
const PROGRAM_RULE = 'an absolute path of letters, digits, _ . - and /, without . or .. segments';

function argProblem(arg: string, first: boolean): string | null {
  if (arg.length === 0 || arg.length > 256) return 'must be 1 to 256 characters';
  if (first) {
    const ok =
      /^\/[A-Za-z0-9_./-]+$/.test(arg) && !arg.split('/').some((s) => s === '.' || s === '..') && !arg.includes('//');
    return ok ? null : `${preview(arg)} is not ${PROGRAM_RULE}`;
  }
  const bare = arg.replace(/\{([a-z]+)\}/g, (m, p: string) =>
    (PLACEHOLDERS as readonly string[]).includes(p) ? 'x' : m,
  );
  if (/[{}]/.test(bare)) return `${preview(arg)} holds an unknown placeholder: use {node}, {instance} or {db}`;
  if (arg.startsWith('-') && arg.length === 1) return 'must not be a lone -';
  return ARG_CHARS.test(bare) ? null : `${preview(arg)} is not an argument orb passes: ${ARG_RULE}`;
}

const argvSchema = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array: the program, then its arguments' })
  .min(1, 'must name the program (an absolute path), then its arguments')
  .max(32, 'must have at most 32 elements')
  .superRefine((argv, ctx) => {
    argv.forEach((a, i) => {
      const p = argProblem(a, i === 0);
      if (p) ctx.addIssue({ code: 'custom', path: [i], message: p });
    });
  });

const TIMEOUT_RULE = 'must be a duration such as 30m or 2h (at most 24h)';
const timeoutSchema = z
  .string({ error: TIMEOUT_RULE })
  .regex(/^(\d+(s|m|h))+$/, TIMEOUT_RULE)
  .refine((t) => timeoutMs(t) <= 86_400_000, TIMEOUT_RULE);

export const maintenanceCommandSchema = z
  .object({
    /** The program (absolute path) and its arguments */
    command: argvSchema,
    /** How long the command may run before orb gives up on it (default 1h) */
    timeout: timeoutSchema.optional(),
    /** What it does, in the operator's words (shown by orb plan and the gates) */
    description: z
      .string({ error: 'must be a string' })
      .max(200, 'must be at most 200 characters')
      .regex(/^[^\u0000-\u001f]*$/, 'must be one line')
      .optional(),
  })
  .strict();
export type MaintenanceCommand = z.infer<typeof maintenanceCommandSchema>;

export const maintenanceCommandsSchema = z
  .record(maintenanceNameSchema, maintenanceCommandSchema, { error: 'must be an object of named maintenance commands' })
  .refine((m) => Object.keys(m).length <= 16, 'must name at most 16 maintenance commands');

export const DEFAULT_MAINTENANCE_TIMEOUT_MS = 3_600_000;

function timeoutMs(t: string): number {
  const unit = { s: 1000, m: 60_000, h: 3_600_000 } as const;
  return [...t.matchAll(/(\d+)(s|m|h)/g)].reduce((n, m) => n + Number(m[1]) * unit[m[2] as keyof typeof unit], 0);
}

/** The command's timeout in milliseconds. */
export function maintenanceTimeoutMs(c: MaintenanceCommand): number {
  return c.timeout ? timeoutMs(c.timeout) : DEFAULT_MAINTENANCE_TIMEOUT_MS;
}

/** The argument vector for one turn: placeholders replaced by the (validated) node, instance and database names. */
export function maintenanceArgv(c: MaintenanceCommand, vars: MaintenanceVars): string[] {
  const v: MaintenanceVars = {
    node: nodeName('node', vars.node),
    instance: instanceName('instance', vars.instance),
    db: dbUniqueName('db', vars.db),
  };
  return c.command.map((a, i) =>
    i === 0 ? a : a.replace(/\{(node|instance|db)\}/g, (_m, p: keyof MaintenanceVars) => v[p]),
  );
}

/** The line sent over SSH exec: nothing in it needs quoting (see the rules above). */
export function maintenanceCommandLine(c: MaintenanceCommand, vars: MaintenanceVars): string {
  return maintenanceArgv(c, vars).join(' ');
}
