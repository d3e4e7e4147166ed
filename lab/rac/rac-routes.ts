/**
 * Lab-control routes of the RAC part (lab/RAC.md): GET /ssh (with `srvctl`: the srvctl paths per CDB), GET /rac, GET /rac/{cdb},
 * GET /rac/{cdb}/sessions[?since=&maxPoints=], GET /rac/{cdb}/fan[?since=], POST /rac/{cdb}/instances/{inst}/crash.
 * Returns the answer's body, or undefined when the path is not one of these.
 */
import type { Lab } from '../lab';
import { LabError } from '../lab-error';

const MAX_POINTS = 1000;

function intParam(url: URL, name: string, dflt: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new LabError('LAB-400', `LAB-400: ${name}: must be an integer from 0 to ${max}`);
  return n;
}

/** `since`: epoch milliseconds or an ISO time. */
function sinceParam(url: URL): number | undefined {
  const raw = url.searchParams.get('since');
  if (raw === null) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new LabError('LAB-400', 'LAB-400: since: must be epoch milliseconds or an ISO time');
  return ms;
}

export function racRoute(lab: Lab, method: string, path: string, url: URL): unknown {
  if (path !== '/ssh' && path !== '/rac' && !path.startsWith('/rac/')) return undefined;
  const crash = /^\/rac\/([^/]+)\/instances\/([^/]+)\/crash$/.exec(path);
  if (crash && method === 'POST') return lab.racCrash(decodeURIComponent(crash[1]!), decodeURIComponent(crash[2]!));
  if (method !== 'GET') throw new LabError('LAB-404', `LAB-404: no route ${method} ${path}`, 405);
  if (path === '/ssh') {
    if (!lab.sshInfo) throw new LabError('LAB-404', 'LAB-404: the lab runs no SSH server (started without one)');
    return { ...lab.sshInfo, srvctl: lab.rac((r) => r.srvctlPaths()) };
  }
  if (path === '/rac') return lab.rac((r) => r.clusters());
  const m = /^\/rac\/([^/]+)(?:\/(sessions|fan))?$/.exec(path);
  if (!m) throw new LabError('LAB-404', `LAB-404: no route ${method} ${path}`);
  const cdb = decodeURIComponent(m[1]!);
  if (m[2] === 'sessions') {
    const opts = { sinceMs: sinceParam(url), maxPoints: Math.max(2, intParam(url, 'maxPoints', 500, MAX_POINTS)) };
    return lab.rac((r) => r.sessions(cdb, opts));
  }
  if (m[2] === 'fan') return lab.rac((r) => r.fan(cdb, intParam(url, 'since', 0, Number.MAX_SAFE_INTEGER)));
  return lab.rac((r) => r.view(cdb));
}
