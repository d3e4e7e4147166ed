/**
 * Sessions per instance over time (the seed procedure's figure: 50:50 → 100:0 → 50:50): a point
 * is recorded whenever the user sessions of a cluster database change, at the simulated time of
 * the change (a step function), per instance and per service. The newest SERIES_KEPT points are kept.
 */
import { sameName } from '../estate';
import type { LabCdb, LabState } from '../model';
import { SERIES_KEPT, type LabCluster, type LabSeriesPoint } from './rac-model';

function countsNow(state: LabState, cdb: LabCdb & { cluster: LabCluster }): Omit<LabSeriesPoint, 't'> {
  const names = cdb.cluster.instances.map((i) => i.name);
  const by = names.map(() => 0);
  const services: Record<string, number[]> = {};
  for (const s of state.sessions) {
    if (!sameName(s.cdb, cdb.name)) continue;
    const k = names.indexOf(s.instance);
    if (k < 0) continue;
    by[k]! += 1;
    const row = (services[s.service.toUpperCase()] ??= names.map(() => 0));
    row[k]! += 1;
  }
  return { by, services };
}

function same(a: Omit<LabSeriesPoint, 't'>, b: Omit<LabSeriesPoint, 't'>): boolean {
  const key = (p: Omit<LabSeriesPoint, 't'>) =>
    JSON.stringify([p.by, Object.keys(p.services).sort().map((k) => [k, p.services[k]])]);
  return key(a) === key(b);
}

/** Records a point at `atMs` if the counts changed since the last one. */
export function recordSeries(state: LabState, cdb: LabCdb & { cluster: LabCluster }, atMs: number): void {
  const series = cdb.cluster.series;
  const now = countsNow(state, cdb);
  const last = series[series.length - 1];
  if (last && same(last, now)) return;
  if (last && last.t >= atMs) series[series.length - 1] = { t: last.t, ...now };
  else series.push({ t: atMs, ...now });
  if (series.length > SERIES_KEPT) series.splice(0, series.length - SERIES_KEPT);
}

export interface SeriesPointView {
  at: string;
  t: number;
  instances: Record<string, number>;
  services: Record<string, Record<string, number>>;
}

function view(cluster: LabCluster, p: LabSeriesPoint): SeriesPointView {
  const names = cluster.instances.map((i) => i.name);
  const perInstance = (row: number[]) => Object.fromEntries(names.map((n, k) => [n, row[k] ?? 0]));
  const services = Object.fromEntries(Object.entries(p.services).map(([svc, row]) => [svc, perInstance(row)]));
  return { at: new Date(p.t).toISOString(), t: p.t, instances: perInstance(p.by), services };
}

/** Keeps at most `max` points spread over the span (the first and the last always kept). */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.round((k * (points.length - 1)) / (max - 1))]!);
  return out;
}

export function readSeries(
  state: LabState,
  cdb: LabCdb & { cluster: LabCluster },
  opts: { sinceMs?: number; maxPoints: number },
): { cdb: string; dbUniqueName: string; instances: string[]; points: SeriesPointView[]; current: SeriesPointView } {
  const c = cdb.cluster;
  const picked = c.series.filter((p) => opts.sinceMs === undefined || p.t >= opts.sinceMs);
  return {
    cdb: cdb.name,
    dbUniqueName: c.dbUniqueName,
    instances: c.instances.map((i) => i.name),
    points: thin(picked, opts.maxPoints).map((p) => view(c, p)),
    current: view(c, { t: state.simNowMs, ...countsNow(state, cdb) }),
  };
}
