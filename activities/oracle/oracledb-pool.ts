import { createHash } from 'node:crypto';
import oracledb from 'oracledb';
import type { ConnectionLike, ConnectOptions } from './oracledb-connect';
import { sessionCallback } from './session-state';

/**
 * One node-oracledb thin-mode pool per CDB configuration, kept by the worker process for its short
 * calls (dictionary queries and short DDL, each bounded by a call timeout) and closed at worker
 * shutdown (closeOracledbPools, worker/worker.ts).
 *
 *  - Session state: the pool's `sessionCallback` (session-state.ts) sets NLS and MODULE on every
 *    session the pool creates — the first ones and any that replace a dropped one — before
 *    getConnection() hands it out; a reused session already carries it and costs no round trip.
 *  - Privileged configurations (SYSDBA, SYSOPER ...) are pooled too: in thin mode `privilege` is
 *    a createPool attribute (node-oracledb 6.5.1+, @types/oracledb PoolAttributes.privilege:
 *    "For Thin mode only, privilege is applicable in createPool"; lib/thin/pool.js passes the
 *    pool's attributes to every connect). UNVERIFIED against a live server here.
 *  - Small and elastic: poolMin 0, so an idle worker holds no session on instances a runbook is
 *    about to stop; idle sessions go after POOL_TIMEOUT_S; a session idle longer than
 *    POOL_PING_INTERVAL_S is pinged before reuse and replaced if dead.
 *  - Credentials: a pool keeps the ones it was created with, so the connect options (secrets read
 *    at each acquire) are fingerprinted (SHA-256, in memory only); when they change (a rotated
 *    password) the pool is replaced and the old one closed once its connections are back.
 *  - Long calls (no call timeout: CREATE ... RELOCATE, OPEN, CLOSE, DROP, DISCONNECT_SESSION, a
 *    STOP_SERVICE drain) do not use the pool: they take standalone connections (oracledb-cdb.ts),
 *    so closing the pool at shutdown never breaks a relocation in flight (see open-cdb.ts).
 */

export const POOL_MAX = 8;
export const POOL_TIMEOUT_S = 60;
export const POOL_PING_INTERVAL_S = 30;
/** How long a shut-down pool waits for its short calls before closing them (s). */
export const POOL_DRAIN_S = 10;
/** How long a pool replaced after a credential change waits for its calls: their longest call timeout (s). */
const RETIRE_DRAIN_S = 120;

export interface PoolLike {
  getConnection(): Promise<ConnectionLike>;
  /** node-oracledb `pool.close(drainTime)`: waits up to drainTime seconds for connections in use. */
  close(drainTime: number): Promise<void>;
}
export type PoolAttributes = oracledb.PoolAttributes;
export type CreatePool = (attrs: PoolAttributes) => Promise<PoolLike>;

export const defaultCreatePool: CreatePool = async (attrs) => (await oracledb.createPool(attrs)) as unknown as PoolLike;

/** Pool events worth a log line; never carries a secret (connect options are not logged). */
export type PoolLog = (event: string, fields: Record<string, unknown>) => void;

/** Every pool of this process, for shutdown. */
const live = new Set<CdbPool>();

export class CdbPool {
  private current: { pool: Promise<PoolLike>; fingerprint: string } | null = null;

  constructor(
    private readonly cdb: string,
    private readonly createPool: CreatePool,
    private readonly log: PoolLog,
  ) {
    live.add(this);
  }

  /** A pooled connection carrying orb's session state. */
  async acquire(opts: ConnectOptions): Promise<ConnectionLike> {
    const pool = this.poolFor(opts);
    try {
      return await (await pool).getConnection();
    } catch (err) {
      // A pool that could not be created is not kept: the next call tries again.
      if (this.current?.pool === pool) {
        await pool.then(() => undefined, () => { this.current = null; });
      }
      throw err;
    }
  }

  private poolFor(opts: ConnectOptions): Promise<PoolLike> {
    const fingerprint = createHash('sha256').update(JSON.stringify(opts)).digest('hex');
    if (this.current?.fingerprint === fingerprint) return this.current.pool;
    if (this.current) {
      this.log('pool replaced (credentials changed)', { cdb: this.cdb });
      retire(this.current.pool);
    }
    const attrs: PoolAttributes = {
      ...opts,
      poolMin: 0,
      poolMax: POOL_MAX,
      poolIncrement: 1,
      poolTimeout: POOL_TIMEOUT_S,
      poolPingInterval: POOL_PING_INTERVAL_S,
      sessionCallback,
    };
    this.log('pool created', {
      cdb: this.cdb,
      user: opts.user,
      connectString: opts.connectString,
      privileged: opts.privilege !== undefined,
      poolMax: POOL_MAX,
    });
    const pool = this.createPool(attrs);
    this.current = { pool, fingerprint };
    return pool;
  }

  /** Closes the pool (connections in use get POOL_DRAIN_S to come back). Never throws. */
  async close(): Promise<void> {
    live.delete(this);
    const cur = this.current;
    this.current = null;
    if (cur) await closePool(cur.pool);
  }
}

async function closePool(pool: Promise<PoolLike>, drainS = POOL_DRAIN_S): Promise<void> {
  await pool.then((p) => p.close(drainS)).catch(() => undefined);
}

function retire(pool: Promise<PoolLike>): void {
  void closePool(pool, RETIRE_DRAIN_S);
}

/** Closes every pool of this process (worker shutdown). Never throws. */
export async function closeOracledbPools(): Promise<void> {
  const all = [...live];
  await Promise.all(all.map((p) => p.close()));
}
