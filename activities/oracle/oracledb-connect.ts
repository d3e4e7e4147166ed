import oracledb from 'oracledb';
import { readSecret, type CdbConfig } from '../../common/estate-config';

/**
 * How orb connects to a real CDB with node-oracledb in thin mode (pure JavaScript: orb never
 * calls initOracleClient, so no Instant Client is needed on the worker host).
 *
 * Thin-mode facts used here (node-oracledb 6.10 typings / docs):
 *  - `privilege: oracledb.SYSDBA | SYSOPER | SYSBACKUP | SYSDG | SYSKM` on getConnection();
 *  - `configDir` is where thin mode reads tnsnames.ora (thick mode ignores it);
 *  - `walletLocation` is the directory holding ewallet.pem, `walletPassword` its password (mTLS);
 *  - `connection.callTimeout` (ms) bounds each round trip; expiry raises NJS-123;
 *  - `connection.module` / `action` / `clientInfo` are sent piggybacked on the next round trip
 *    (see ConnectionLike below).
 */

export type OracledbCdbConfig = Extract<CdbConfig, { adapter: 'oracledb' }>;

/** The part of a node-oracledb Connection orb uses (lets tests inject a fake). */
export interface ConnectionLike {
  execute(
    sql: string,
    binds?: Record<string, unknown>,
    options?: { outFormat?: number },
  ): Promise<{ rows?: unknown[]; rowsAffected?: number }>;
  /** `drop: true` discards a pooled connection instead of returning it (ignored when standalone). */
  close(options?: { drop?: boolean }): Promise<void>;
  /** Interrupts the call in progress on this connection. */
  break?(): Promise<void>;
  /** Milliseconds each round trip may take; 0 = no limit. */
  callTimeout?: number;
  /** One round trip that does nothing but carry pending piggybacks (end-to-end attributes). */
  ping(): Promise<void>;
  /**
   * End-to-end tracing attributes (V$SESSION.MODULE / ACTION), write-only. Setting them costs
   * no round trip: thin mode keeps them on the connection and piggybacks them on the *next*
   * message of any kind (execute, ping, commit ...), then forgets them (node-oracledb 6.10
   * lib/thin/protocol/messages/base.js, writePiggybacks / _writeEndToEndPiggybacks; the
   * user guide, "End-to-end Tracing": "sent to the database on the next round-trip").
   * Thin mode also re-sends ACTION whenever MODULE is set, with its current value (empty
   * unless set before), so set MODULE first, then ACTION.
   */
  module?: string;
  action?: string;
  /** V$SESSION.CLIENT_INFO, sent the same way (node-oracledb 6.10 `connection.clientInfo`, thin mode too). */
  clientInfo?: string;
}

export type ConnectOptions = oracledb.ConnectionAttributes;
export type GetConnection = (opts: ConnectOptions) => Promise<ConnectionLike>;

const PRIVILEGE_NAMES = ['SYSDBA', 'SYSOPER', 'SYSBACKUP', 'SYSDG', 'SYSKM'] as const;

function privilegeConstant(name: (typeof PRIVILEGE_NAMES)[number]): number {
  const value = (oracledb as unknown as Record<string, number>)[name];
  if (typeof value !== 'number') throw new Error(`node-oracledb has no privilege constant ${name}`);
  return value;
}

/**
 * Connection attributes for one CDB. Secrets are read here, on the worker, each time a
 * connection is opened (a rotated password is picked up without restarting the worker).
 */
export function connectOptions(cdb: string, cfg: OracledbCdbConfig): ConnectOptions {
  const field = `cdbs.${cdb}`;
  const opts: ConnectOptions = {
    user: cfg.user,
    password: readSecret(cfg.password, `${field}.password`),
    connectString: cfg.connectString,
  };
  if (cfg.privilege) opts.privilege = privilegeConstant(cfg.privilege);
  if (cfg.configDir) opts.configDir = cfg.configDir;
  if (cfg.walletLocation) opts.walletLocation = cfg.walletLocation;
  if (cfg.walletPassword) opts.walletPassword = readSecret(cfg.walletPassword, `${field}.walletPassword`);
  return opts;
}

/** A standalone thin-mode connection. */
export const defaultGetConnection: GetConnection = async (opts) =>
  (await oracledb.getConnection(opts)) as unknown as ConnectionLike;

/** node-oracledb's OUT_FORMAT_OBJECT: rows as objects keyed by upper-case column name. */
export const OUT_FORMAT_OBJECT: number = oracledb.OUT_FORMAT_OBJECT;
