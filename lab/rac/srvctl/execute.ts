/**
 * One srvctl command line against the lab's clusters: parse (lab/rac/srvctl/parse.ts), find the
 * database -db names (PRCD-1120 when there is none), run the command on the model. The Lab
 * (lab/lab.ts srvctl) adds the oplog, faults and the wait in simulated time.
 */
import type { SimContext } from '../../estate';
import type { LabState } from '../../model';
import { clusterCdbs, findClusterCdb } from '../cluster';
import { isMutatingVerb, parseSrvctl, type SrvctlCommand } from './parse';
import type { ClusterCdb, RunContext, RunOutcome } from './run-context';
import { configDatabase, configService, modifyService, statusDatabase } from './run-config';
import { enableInstance, startInstance, statusInstance, stopInstance } from './run-instance';
import { enableService, relocateService, startService, statusService, stopService } from './run-service';
import { SRVCTL_VERSION } from './grammar';
import { msg, SrvctlError } from './srvctl-messages';

export type Prepared =
  | { kind: 'answer'; out: string[] }
  | { kind: 'refused'; error: SrvctlError; mutating: boolean; key: string | null; db: string | null }
  | { kind: 'command'; command: SrvctlCommand; cdb: ClusterCdb | null };

/** Parses the arguments and finds the database; what can be answered without running anything is answered. */
export function prepareSrvctl(state: LabState, args: string[]): Prepared {
  const mutating = isMutatingVerb(args[0]);
  try {
    const parsed = parseSrvctl(args);
    if (parsed.kind === 'version') return { kind: 'answer', out: [`srvctl version: ${SRVCTL_VERSION}`] };
    if (parsed.kind === 'unsimulated') {
      const text = `orb-lab: srvctl ${parsed.key} is not simulated by the lab (lab/RAC.md lists the commands it serves)`;
      return { kind: 'refused', error: new SrvctlError([text]), mutating, key: parsed.key, db: null };
    }
    const db = parsed.command.options.db as string | undefined;
    if (db === undefined) return { kind: 'command', command: parsed.command, cdb: null };
    const cdb = findClusterCdb(state, db);
    if (!cdb) return { kind: 'refused', error: new SrvctlError(msg.dbNotFound(db)), mutating, key: parsed.command.key, db };
    return { kind: 'command', command: parsed.command, cdb };
  } catch (e) {
    if (!(e instanceof SrvctlError)) throw e;
    const key = args.length >= 2 ? `${args[0]} ${args[1]}` : null;
    return { kind: 'refused', error: e, mutating, key, db: null };
  }
}

const RUNNERS: Record<string, (r: RunContext) => RunOutcome> = {
  'start instance': startInstance,
  'stop instance': stopInstance,
  'status instance': statusInstance,
  'enable instance': (r) => enableInstance(r, true),
  'disable instance': (r) => enableInstance(r, false),
  'start service': startService,
  'stop service': stopService,
  'relocate service': relocateService,
  'status service': statusService,
  'config service': configService,
  'enable service': (r) => enableService(r, true),
  'disable service': (r) => enableService(r, false),
  'modify service': modifyService,
  'status database': statusDatabase,
  'config database': configDatabase,
};

/** Runs a prepared command on the model; throws SrvctlError as srvctl refuses. */
export function runSrvctl(ctx: SimContext, command: SrvctlCommand, cdb: ClusterCdb | null): RunOutcome {
  if (cdb === null) {
    // Only `srvctl config database` may leave out -db: it lists the databases Clusterware knows.
    return { out: clusterCdbs(ctx.state).map((c) => c.cluster.dbUniqueName) };
  }
  const run = RUNNERS[command.key];
  if (!run) throw new SrvctlError(msg.syntax());
  return run({ ctx, cdb, cmd: command });
}
