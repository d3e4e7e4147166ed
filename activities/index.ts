import { requireCdb, type EstateConfig } from '../common/estate-config';
import { openCdb } from './oracle/open-cdb';
import { racActivities } from './rac-maintenance';
import { maintenanceActivities } from './node-maintenance';
import { srvctlExecutorFor } from './srvctl/srvctl-target';
import { relocationActivities, type OpenCdb } from './relocate-pdb';
import { approverCheck, gateApproverActivities } from './gate-approvers';
import { adbAccessFactory } from './adb/cloud-access';
import { roleChangeActivities } from './role-change';
import { walletActivities } from './propagate-wallet';
import { inputErrorsFinal } from './input-errors';
import { aliveWhileRunning } from './heartbeat';
import { oicErrorsClassified } from './oic/oic-failure';
import { readinessActivities } from './readiness';
import { fleetTargetActivities } from './fleet-targets';
import { serviceFixActivities } from './service-fix';
import { benchActivities } from './bench-noop';

export interface ActivityOptions {
  openCdb?: OpenCdb;
  copyPollMs?: number;
  /** How often a role change's work request is read (default 5 s) */
  workRequestPollMs?: number;
  /** This worker host's own task queue (wallet activities run where the wallet rests) */
  hostQueue?: string;
}

/**
 * Every activity the worker registers. Workflows import the type only
 * (`proxyActivities<OrbActivities>`); the implementations run in the worker, where the
 * estate file and the credentials it refers to are read.
 */
export function createActivities(estate: EstateConfig, opts: ActivityOptions = {}) {
  const open = opts.openCdb ?? ((cdb: string) => openCdb(estate, cdb));
  const settingsOf = (cdb: string) => estate.cdbs[requireCdb(estate, 'cdb', cdb)] ?? {};
  const access = adbAccessFactory(estate);
  return {
    ...relocationActivities(open, {
      copyPollMs: opts.copyPollMs,
      settingsOf,
      approvers: (gates) => approverCheck(estate, gates),
      srvctlLines: async (cdb, commands) => {
        const ex = await srvctlExecutorFor(estate, cdb);
        return commands.map((c) => ex.commandLine(c));
      },
    }),
    ...gateApproverActivities(estate),
    ...readinessActivities(open, settingsOf),
    ...fleetTargetActivities(open),
    ...inputErrorsFinal(serviceFixActivities(estate, open, settingsOf)),
    // srvctl commands heartbeat while they run (a drain, a shutdown, a startup can take minutes): a dead
    // worker is noticed within the heartbeat timeout; the session watches heartbeat their own counts.
    ...aliveWhileRunning(inputErrorsFinal(racActivities(estate, open)), ['awaitInstanceSessionsGone', 'awaitRebalance']),
    ...aliveWhileRunning(inputErrorsFinal(maintenanceActivities(estate)), ['runMaintenance']),
    // Cloud steps heartbeat while they run (a dead worker is noticed within the heartbeat timeout);
    // awaitWorkRequest heartbeats its own progress.
    ...aliveWhileRunning(inputErrorsFinal(roleChangeActivities(access, { pollMs: opts.workRequestPollMs ?? 5000 })), ['awaitWorkRequest']),
    ...aliveWhileRunning(oicErrorsClassified(inputErrorsFinal(walletActivities(estate, access, { hostQueue: opts.hostQueue ?? 'orb' })))),
    // The no-op workflow's empty activity (workflows/bench-shape.ts, `npm run bench:relocations`).
    ...benchActivities,
  };
}

export type OrbActivities = ReturnType<typeof createActivities>;
