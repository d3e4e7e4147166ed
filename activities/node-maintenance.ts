/**
 * The maintenance command of an instance's turn (common/rac/maintenance-command.ts), run over SSH on the node that
 * hosts the instance, with the nodes and keys of the CDB's srvctl (activities/srvctl). A maintenance command is not
 * srvctl: it is never retried once it may have started (a patch run twice is the operator's call, made at the
 * workflow's recovery gate); only a connection that never got as far as the command is retried.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { InputError } from '../common/input-error';
import { requireCdb, type EstateConfig } from '../common/estate-config';
import {
  maintenanceCommandLine,
  maintenanceTimeoutMs,
  type MaintenanceCommand,
} from '../common/rac/maintenance-command';
import { classifySshFailure } from '../common/srvctl/ssh-failures';
import { keptLine } from '../common/untrusted-text';
import { whileHeartbeating } from './heartbeat';
import { srvctlTargetOf } from './srvctl/srvctl-target';
import type { SrvctlTarget } from './srvctl/srvctl-executor';
import { nodeLabel, sshExec, type SshNode } from './srvctl/ssh-exec';

export interface MaintenanceTurn {
  cdb: string;
  /** The estate's name for the command */
  name: string;
  instance: string;
  /** The Clusterware node the instance runs on (srvctl status) */
  node: string;
}

export interface MaintenanceLine {
  instance: string;
  node: string;
  /** host:port the command is sent to */
  sshNode: string;
  commandLine: string;
  description: string | null;
  timeoutMs: number;
}

/** The estate's command `name` of `cdb`, or an InputError naming the field. */
function commandOf(estate: EstateConfig, cdb: string, name: string): MaintenanceCommand {
  const key = requireCdb(estate, 'cdb', cdb);
  const all = estate.cdbs[key]!.maintenance ?? {};
  const c = Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined;
  if (c) return c;
  const known = Object.keys(all);
  throw new InputError(
    'maintenance',
    `${JSON.stringify(name)} is not a maintenance command of ${key} in the estate file ` +
      `(cdbs.${key}.maintenance: ${known.length ? known.join(', ') : 'none defined'})`,
  );
}

/** The SSH node that hosts Clusterware node `node`: by its estate name, else its host name's first label. */
function sshNodeFor(target: SrvctlTarget, cdb: string, node: string): SshNode {
  if (target.lab) return target.nodes[0]!; // the lab's one endpoint stands for every node; the command names it
  const same = (a: string) => a.toLowerCase() === node.toLowerCase();
  const n = target.nodes.find((x) => (x.name ? same(x.name) : same(x.host.split('.')[0]!)));
  if (n) return n;
  throw new InputError(
    `cdbs.${cdb}.srvctl.nodes`,
    `has no node ${node} (a node's "name", or its host name's first label, must be the Clusterware node name)`,
  );
}

async function resolve(estate: EstateConfig, t: MaintenanceTurn): Promise<{ line: MaintenanceLine; node: SshNode }> {
  const command = commandOf(estate, t.cdb, t.name);
  const target = await srvctlTargetOf(estate, t.cdb);
  const node = sshNodeFor(target, t.cdb, t.node);
  const commandLine = maintenanceCommandLine(command, { node: t.node, instance: t.instance, db: target.db });
  const line = {
    instance: t.instance,
    node: t.node,
    sshNode: nodeLabel(node),
    commandLine,
    description: command.description ?? null,
    timeoutMs: maintenanceTimeoutMs(command),
  };
  return { line, node };
}

const said = (out: string) => lastLines(out, 2).join(' / ') || '(no output)';

const lastLines = (s: string, n = 5) =>
  s
    .split('\n')
    .map((l) => keptLine(l, 300))
    .filter((l) => l.trim())
    .slice(-n);

/** Failures from the connection, before the command ran, are the srvctl executor's; after, the command may have run. */
function connectionFailure(err: unknown, line: MaintenanceLine): ApplicationFailure {
  const c = classifySshFailure(err);
  const started = c.code === 'SrvctlTimeout' || c.code === 'SshChannelFailed';
  if (!started) {
    return ApplicationFailure.create({
      message: `maintenance on ${line.sshNode}: ${c.code}: ${c.explanation} ${c.action}`,
      type: c.code,
      nonRetryable: c.kind !== 'transient',
    });
  }
  const what =
    c.code === 'SrvctlTimeout' ? `did not end within ${Math.round(line.timeoutMs / 1000)} s` : 'lost its channel';
  return ApplicationFailure.create({
    message:
      `maintenance of ${line.instance} on ${line.node} (${line.commandLine}) ${what}: ` +
      `it may still be running or have stopped half-way; check ${line.node} before retrying`,
    type: 'MaintenanceUnfinished',
    nonRetryable: true,
  });
}

export function maintenanceActivities(estate: EstateConfig) {
  return {
    /** The command line each turn would send, and where (orb plan, and the preflight's check that it resolves). */
    async maintenanceCommandLines(a: {
      cdb: string;
      name: string;
      turns: { instance: string; node: string }[];
    }): Promise<MaintenanceLine[]> {
      commandOf(estate, a.cdb, a.name);
      const out: MaintenanceLine[] = [];
      for (const t of a.turns) out.push((await resolve(estate, { cdb: a.cdb, name: a.name, ...t })).line);
      return out;
    },

    /** Runs the maintenance command on the instance's node; exit status 0 or a non-retryable failure with its output. */
    async runMaintenance(t: MaintenanceTurn): Promise<{ commandLine: string; sshNode: string; output: string[] }> {
      const { line, node } = await resolve(estate, t);
      const ctx = Context.current();
      const limits = {
        connectTimeoutMs: 15_000,
        commandTimeoutMs: line.timeoutMs,
        maxOutputBytes: 256 * 1024,
        signal: ctx.cancellationSignal,
      };
      const r = await whileHeartbeating(
        `maintenance of ${t.instance} on ${t.node}`,
        () => sshExec(node, line.commandLine, limits),
        5000,
        ctx,
      ).catch((err: unknown) => {
        throw connectionFailure(err, line);
      });
      const output = lastLines(`${r.stdout}\n${r.stderr}`);
      if (r.exitCode === 0) return { commandLine: line.commandLine, sshNode: line.sshNode, output };
      const status =
        r.exitCode === null
          ? `ended without an exit status${r.exitSignal ? ` (signal ${r.exitSignal})` : ''}`
          : `exited with status ${r.exitCode}`;
      throw ApplicationFailure.create({
        message: `maintenance of ${t.instance} on ${t.node} ${status}: ${said(r.stderr || r.stdout)}`,
        type: 'MaintenanceFailed',
        nonRetryable: true,
        details: [{ commandLine: line.commandLine, sshNode: line.sshNode, exitCode: r.exitCode, output }],
      });
    },
  };
}
