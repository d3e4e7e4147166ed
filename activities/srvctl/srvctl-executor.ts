/**
 * srvctl on a cluster: the command line built from a typed command (common/srvctl/srvctl-argv.ts),
 * run over SSH on the first node that can run it. A node that cannot be reached (refused, no
 * route, connect timeout), or whose Clusterware stack does not answer (CRS-4535, CRS-0184,
 * PRKH-1057), is skipped for the next one; a host key that is not the known one, a refused client
 * key or a command timeout end the attempt at once (no other node is tried: the first two are not
 * the network's doing, and a timed-out srvctl may still be running).
 */
import { InputError } from '../../common/input-error';
import { srvctlCommandLine } from '../../common/srvctl/srvctl-argv';
import type { SrvctlCommand } from '../../common/srvctl/commands';
import { classifySrvctlFailure } from '../../common/srvctl/srvctl-errors';
import { classifySshFailure } from '../../common/srvctl/ssh-failures';
import { AllNodesUnreachableError } from './ssh-errors';
import { nodeLabel, sshExec, type ExecLimits, type ExecResult, type SshNode } from './ssh-exec';

export interface SrvctlTarget {
  /** The database unique name (srvctl -db) every command must name */
  db: string;
  /** srvctl's absolute path on the nodes */
  path: string;
  /** Tried in order */
  nodes: SshNode[];
  /** The lab's one SSH endpoint, standing for every node of its clusters */
  lab?: boolean;
}

export type SrvctlExecOptions = Partial<ExecLimits>;

export interface SkippedNode {
  node: string;
  code: string;
  message: string;
}

export interface SrvctlResult extends ExecResult {
  /** host:port of the node that ran the command */
  node: string;
  /** The line sent over SSH exec */
  commandLine: string;
  /** Nodes tried before it, and why they were passed over */
  skipped: SkippedNode[];
}

export interface SrvctlExecutor {
  /** db, path and the nodes' host:port (no secrets) */
  readonly target: { db: string; path: string; nodes: string[] };
  /** The command line `run` would send (validated; throws an InputError naming the field at fault) */
  commandLine(cmd: SrvctlCommand): string;
  /** Runs a typed command; resolves whatever srvctl's exit status, rejects when no node could run it */
  run(cmd: SrvctlCommand, opts?: SrvctlExecOptions): Promise<SrvctlResult>;
}

export const DEFAULT_LIMITS: ExecLimits = { connectTimeoutMs: 15_000, commandTimeoutMs: 10 * 60_000, maxOutputBytes: 256 * 1024 };

async function onFirstNode(target: SrvctlTarget, line: string, limits: ExecLimits): Promise<SrvctlResult> {
  const skipped: SkippedNode[] = [];
  let nodeDown: SrvctlResult | null = null;
  for (const [i, node] of target.nodes.entries()) {
    const label = nodeLabel(node);
    const last = i === target.nodes.length - 1;
    try {
      const r = await sshExec(node, line, limits);
      const result = { ...r, node: label, commandLine: line, skipped: [...skipped] };
      if (r.exitCode === 0 || last) return result;
      const c = classifySrvctlFailure(r);
      if (!c.tryAnotherNode) return result;
      skipped.push({ node: label, code: c.code, message: c.message });
      nodeDown = result;
    } catch (err) {
      const c = classifySshFailure(err);
      if (!c.tryAnotherNode) throw err;
      skipped.push({ node: label, code: c.code, message: c.message });
    }
  }
  if (nodeDown) return { ...nodeDown, skipped };
  throw new AllNodesUnreachableError(skipped);
}

function limitsOf(...layers: SrvctlExecOptions[]): ExecLimits {
  const set = layers.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)));
  return Object.assign({}, DEFAULT_LIMITS, ...set) as ExecLimits;
}

export function srvctlExecutor(target: SrvctlTarget, defaults: SrvctlExecOptions = {}): SrvctlExecutor {
  if (target.nodes.length === 0) throw new InputError('srvctl.nodes', 'must list at least one node');
  const commandLine = (cmd: SrvctlCommand) => {
    const line = srvctlCommandLine(target.path, cmd);
    if (cmd.db.toLowerCase() !== target.db.toLowerCase()) {
      throw new InputError('db', `names database ${cmd.db}, but this executor runs srvctl for ${target.db} (the estate's srvctl.db)`);
    }
    return line;
  };
  return {
    target: { db: target.db, path: target.path, nodes: target.nodes.map(nodeLabel) },
    commandLine,
    run: async (cmd, opts = {}) => onFirstNode(target, commandLine(cmd), limitsOf(defaults, opts)),
  };
}
