/**
 * The RAC databases of the seeds (lab/RAC.md):
 *  - RACCDB (db unique name raccdb): instances raccdb1 / raccdb2 on nodes racnode1 / racnode2, PDB
 *    OLTP with Clusterware services
 *      ORDERS_UNI   uniform (preferred raccdb1,raccdb2), Application Continuity configured right,
 *                   pool orders-ucp;
 *      BILLING_SGL  singleton (preferred raccdb1, available raccdb2), Transparent Application
 *                   Continuity configured right, pool billing-ucp and a long-running session;
 *      REPORTS_TAF  preferred raccdb2, available raccdb1, TAF (SELECT / BASIC, 20 retries, 15 s),
 *                   no FAN, no drain timeout; three ordinary sessions;
 *      BATCH_AC     uniform, AC half-configured (TRANSACTION without commit_outcome, no FAN, no drain);
 *      LEGACY_SVC   uniform, nothing configured; two ordinary sessions;
 *  - TRICDB (tricdb): instances tricdb1..3 on trinode1..3, PDB LEDGER, services LEDGER_UNI (uniform,
 *    AC, pool ledger-ucp) and LEDGER_SGL (singleton on tricdb2, available tricdb3, TAC, pool ledger-sgl-ucp).
 * Pools open their connections spread over the instances running their service.
 */
import { GB, MB, type LabCdb, type LabService, type LabState } from '../model';
import { AC, cdb, openPdb, OPTIONS_19C, service } from '../seed-parts';
import { findCdb } from '../estate';
import type { LabCluster, LabCrsService, LabPool } from './rac-model';
import { settleRac } from './rac-advance';

type Shape = { pool: number; drain: number; pdbBytes: number; longRunning: number };

const SHAPES: Record<'demo' | 'test', Shape> = {
  demo: { pool: 2, drain: 60, pdbBytes: 4 * GB, longRunning: 2 },
  test: { pool: 1, drain: 20, pdbBytes: 512 * MB, longRunning: 1 },
};

const ORACLE_HOME = '/u01/app/oracle/product/19.0.0.0/dbhome_1';
const GRID_HOME = '/u01/app/19.0.0.0/grid';

function crs(preferred: string[], available: string[] = []): LabCrsService {
  return { preferred, available, enabled: true, disabledOn: [], targetOn: [...preferred], fullStop: false, managementPolicy: 'AUTOMATIC' };
}

/** A Clusterware service running on its preferred instances. */
function racService(name: string, preferred: string[], available: string[], attrs: Partial<LabService>): LabService {
  return { ...service(name, attrs), runningOn: [...preferred], crs: crs(preferred, available) };
}

const TAC = (drain: number): Partial<LabService> => ({
  failoverType: 'AUTO',
  failoverRestore: 'AUTO',
  failoverRetries: 30,
  failoverDelay: 10,
  commitOutcome: true,
  sessionStateConsistency: 'AUTO',
  replayInitiationTimeout: 600,
  retentionTimeout: 86400,
  drainTimeout: drain,
  stopOption: 'IMMEDIATE',
  aqHaNotifications: true,
});

const TAF: Partial<LabService> = { failoverType: 'SELECT', failoverMethod: 'BASIC', failoverRetries: 20, failoverDelay: 15 };

function clusterOf(dbUniqueName: string, nodes: string[], instances: string[]): LabCluster {
  return {
    dbUniqueName,
    oracleHome: ORACLE_HOME,
    gridHome: GRID_HOME,
    nodes,
    instances: instances.map((name, k) => ({ name, node: nodes[k]!, state: 'running', enabled: true, changeAtMs: null })),
    pools: [],
    fan: [],
    nextFanSeq: 1,
    series: [],
    outages: [],
  };
}

function racCdb(name: string, dbUniqueName: string, nodes: string[]): LabCdb & { cluster: LabCluster } {
  const names = nodes.map((_, k) => `${dbUniqueName}${k + 1}`);
  const c = cdb(name, {
    instances: names.map((n, k) => ({ name: n, number: k + 1 })),
    options: OPTIONS_19C.map((o) => (o.compId === 'RAC' ? { ...o, status: 'VALID' } : { ...o })),
  });
  return Object.assign(c, { cluster: clusterOf(dbUniqueName, nodes, names) });
}

function pool(name: string, pdb: string, svc: string, size: number, busyFraction: number): LabPool {
  return { name, pdb, service: svc, size, busyFraction, rebalanceAtMs: null };
}

function raccdb(s: Shape): LabCdb & { cluster: LabCluster } {
  const c = racCdb('RACCDB', 'raccdb', ['racnode1', 'racnode2']);
  const both = ['raccdb1', 'raccdb2'];
  const services = [
    racService('ORDERS_UNI', both, [], AC(s.drain)),
    racService('BILLING_SGL', ['raccdb1'], ['raccdb2'], TAC(Math.round(s.drain / 2))),
    racService('REPORTS_TAF', ['raccdb2'], ['raccdb1'], TAF),
    racService('BATCH_AC', both, [], { failoverType: 'TRANSACTION', failoverRestore: 'NONE' }),
    racService('LEGACY_SVC', both, [], {}),
  ];
  const pdb = openPdb(c, 'OLTP', s.pdbBytes, [], both);
  pdb.services.push(...services);
  c.pdbs.push(pdb);
  c.cluster.pools.push(
    pool('orders-ucp', 'OLTP', 'ORDERS_UNI', 10 * s.pool, 0.3),
    pool('billing-ucp', 'OLTP', 'BILLING_SGL', 4 * s.pool, 0.5),
  );
  return c;
}

function tricdb(s: Shape): LabCdb & { cluster: LabCluster } {
  const c = racCdb('TRICDB', 'tricdb', ['trinode1', 'trinode2', 'trinode3']);
  const all = ['tricdb1', 'tricdb2', 'tricdb3'];
  const pdb = openPdb(c, 'LEDGER', s.pdbBytes, [], all);
  pdb.services.push(
    racService('LEDGER_UNI', all, [], AC(s.drain)),
    racService('LEDGER_SGL', ['tricdb2'], ['tricdb3'], TAC(Math.round(s.drain / 2))),
  );
  c.pdbs.push(pdb);
  c.cluster.pools.push(
    pool('ledger-ucp', 'LEDGER', 'LEDGER_UNI', 9 * s.pool, 0.3),
    pool('ledger-sgl-ucp', 'LEDGER', 'LEDGER_SGL', 3 * s.pool, 0.5),
  );
  return c;
}

function addSessions(state: LabState, c: LabCdb, pdb: string, svc: string, instance: string, n: number, longRunning: boolean): void {
  for (let k = 0; k < n; k++) {
    const sid = state.nextSid++;
    state.sessions.push({ sid, cdb: c.name, pdb, service: svc, instance, longRunning, connectedAtMs: state.simNowMs, leavesAtMs: null });
  }
}

/** Adds RACCDB and TRICDB to a seed estate (or to an estate saved before they existed), their pools connected. */
export function addRacSeed(state: LabState): void {
  if (findCdb(state, 'RACCDB')) return;
  const s = SHAPES[state.seed === 'test' ? 'test' : 'demo'];
  const rac = raccdb(s);
  const tri = tricdb(s);
  state.cdbs.push(rac, tri);
  addSessions(state, rac, 'OLTP', 'BILLING_SGL', 'raccdb1', s.longRunning, true);
  addSessions(state, rac, 'OLTP', 'REPORTS_TAF', 'raccdb2', 3, false);
  addSessions(state, rac, 'OLTP', 'LEGACY_SVC', 'raccdb1', 1, false);
  addSessions(state, rac, 'OLTP', 'LEGACY_SVC', 'raccdb2', 1, false);
  settleRac({ state, nowMs: state.simNowMs, random: () => 0.5 }, state.simNowMs);
}
