/**
 * Lab-control views of the RAC part of the estate (GET /rac/...; lab/RAC.md): a cluster's state,
 * its sessions-per-instance series, its FAN events. Reads only.
 */
import { requireCdb, sameName, type SimContext } from '../estate';
import { LabError } from '../lab-error';
import type { LabCdb, LabState } from '../model';
import { clusterCdbs, racServices } from './cluster';
import { fanText } from './fan';
import type { LabCluster } from './rac-model';
import { readSeries } from './series';
import { crashInstance } from './instance-actions';
import { advanceState } from '../advance';

type ClusterCdb = LabCdb & { cluster: LabCluster };

function requireCluster(state: LabState, name: string): ClusterCdb {
  const cdb = requireCdb(state, name);
  if (!cdb.cluster) {
    const have = clusterCdbs(state).map((c) => c.name).join(', ') || 'none';
    throw new LabError('LAB-404', `LAB-404: ${cdb.name} is not a Clusterware-managed (RAC) database in the lab (those are: ${have})`);
  }
  return cdb as ClusterCdb;
}

function poolView(state: LabState, cdb: ClusterCdb) {
  return cdb.cluster.pools.map((p) => {
    const conns = state.sessions.filter((s) => s.pool === p.name && sameName(s.cdb, cdb.name));
    const byInstance = Object.fromEntries(cdb.cluster.instances.map((i) => [i.name, conns.filter((s) => s.instance === i.name).length]));
    return { ...p, connections: conns.length, byInstance };
  });
}

function clusterView(state: LabState, cdb: ClusterCdb) {
  const c = cdb.cluster;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    cdb: cdb.name,
    dbUniqueName: c.dbUniqueName,
    oracleHome: c.oracleHome,
    gridHome: c.gridHome,
    nodes: c.nodes,
    instances: c.instances.map((i) => ({ ...i, changeAt: iso(i.changeAtMs) })),
    services: racServices(cdb).map(({ pdb, svc, crs }) => ({ name: svc.name, pdb: pdb.name, runningOn: svc.runningOn, ...crs })),
    pools: poolView(state, cdb),
    outages: c.outages.map((o) => ({ ...o, from: iso(o.fromMs), to: iso(o.toMs) })),
    fanEvents: c.fan.length,
  };
}

export function racControl(state: LabState, ctx: SimContext) {
  return {
    /** An unplanned failure of an instance (FAN reason FAILURE); Clusterware restarts it if enabled. */
    crash: (name: string, instance: string) => {
      const cdb = requireCluster(state, name);
      const inst = cdb.cluster.instances.find((i) => sameName(i.name, instance));
      const names = cdb.cluster.instances.map((i) => i.name).join(', ');
      if (!inst) throw new LabError('LAB-404', `LAB-404: ${cdb.name} has no instance ${instance} (its instances: ${names})`);
      if (inst.state !== 'running') {
        throw new LabError('LAB-409', `LAB-409: instance ${inst.name} of ${cdb.name} is ${inst.state}: only a running instance can crash`);
      }
      crashInstance(ctx, cdb, inst);
      advanceState(ctx);
      return clusterView(state, cdb);
    },
    /** srvctl paths the nodes of each cluster database have (<Oracle home>/bin/srvctl, <Grid home>/bin/srvctl) */
    srvctlPaths: () =>
      Object.fromEntries(clusterCdbs(state).map((c) => [c.name, [c.cluster.oracleHome, c.cluster.gridHome].map((h) => `${h}/bin/srvctl`)])),
    clusters: () => ({ clusters: clusterCdbs(state).map((c) => ({ cdb: c.name, dbUniqueName: c.cluster.dbUniqueName })) }),
    view: (name: string) => clusterView(state, requireCluster(state, name)),
    sessions: (name: string, opts: { sinceMs?: number; maxPoints: number }) => readSeries(state, requireCluster(state, name), opts),
    fan: (name: string, sinceSeq: number) => {
      const cdb = requireCluster(state, name);
      const events = cdb.cluster.fan.filter((e) => e.seq > sinceSeq);
      const view = (e: (typeof events)[number]) => ({ ...e, at: new Date(e.atMs).toISOString(), text: fanText(cdb.cluster, e) });
      return { events: events.map(view), now: new Date(ctx.nowMs).toISOString() };
    },
  };
}
