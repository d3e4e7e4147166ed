import { requireCdb, type EstateConfig } from '../../common/estate-config';
import { labCdb } from './lab-cdb';
import { meteredCdb } from './metered-cdb';
import { oracledbCdb } from './oracledb-cdb';
import type { CdbPort } from './port';

/**
 * The CdbPort for one CDB of the estate: the lab's HTTP client or node-oracledb thin mode,
 * as the estate file says. One port per CDB per worker process, reused by every activity
 * (the oracledb port keeps a node-oracledb pool for its short calls, closed at worker shutdown by
 * closeOracledbPools, and a standalone connection per long call — see oracledb-pool.ts). The worker
 * does not close the ports themselves: that would break long calls in flight, and a CREATE
 * PLUGGABLE DATABASE ... RELOCATE interrupted that way would leave the target UNUSABLE.
 *
 * The cache key includes the CDB's configuration, so a different estate for the same CDB
 * name (tests, a reloaded file) gets a new port instead of a stale one.
 */
const ports = new Map<string, CdbPort>();

export function openCdb(estate: EstateConfig, cdb: string): CdbPort {
  const key = requireCdb(estate, 'cdb', cdb);
  const cfg = estate.cdbs[key]!;
  const labUrl = cfg.adapter === 'lab' ? (cfg.url ?? estate.lab.url) : null;
  const cacheKey = `${key}\u0000${labUrl ?? ''}\u0000${JSON.stringify(cfg)}`;
  const cached = ports.get(cacheKey);
  if (cached) return cached;
  const raw: CdbPort =
    cfg.adapter === 'lab' ? labCdb(labUrl!, key, { keystorePassword: cfg.keystorePassword }) : oracledbCdb(key, cfg);
  const port = meteredCdb(raw); // orb_db_* metrics (README "Metrics")
  ports.set(cacheKey, port);
  return port;
}
