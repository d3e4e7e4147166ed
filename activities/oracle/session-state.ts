import { ORB_MODULE } from './copy-progress';
import type { ConnectionLike } from './oracledb-connect';

/**
 * The session state every orb statement relies on, set once per database session: on each new
 * pooled session by the pool's sessionCallback (oracledb-pool.ts), on each standalone connection
 * right after it opens. A session replaced after a dropped connection is a new session, so it
 * gets the state again before orb's first statement on it — what a TAF callback's
 * OCI_FO_REAUTH step does in the PHP OCI8 seed, without depending on TAF (thick mode only).
 *
 * Why each setting (one ALTER SESSION, one round trip):
 *  - NLS_LANGUAGE AMERICAN: server messages in English; orb reads ORA texts (e.g. "Oracle error
 *    <n> returned by remote Oracle server" in common/oracle-errors.ts). Set before TERRITORY and
 *    the explicit formats, which override what the territory implies.
 *  - NLS_TERRITORY AMERICA, then NLS_NUMERIC_CHARACTERS '.,': a number the server turns into text
 *    (V$PARAMETER values, implicit TO_CHAR) parses with Number() whatever the database's territory.
 *  - NLS_DATE_FORMAT / NLS_TIMESTAMP_FORMAT / NLS_TIMESTAMP_TZ_FORMAT ISO 8601: a date the server
 *    turns into text parses with Date.parse. Thin mode fetches DATE and TIMESTAMP columns in
 *    binary (node-oracledb converts them itself), so this covers the text paths only.
 *  - TIME_ZONE '+00:00': SYSTIMESTAMP-relative and TIMESTAMP WITH LOCAL TIME ZONE values do not
 *    depend on the server host's or the client's zone.
 *  - NLS_SORT / NLS_COMP BINARY: ORDER BY and the LIKE on ACTION (COPY_SESSIONS_SQL) compare bytes,
 *    whatever the database's linguistic defaults.
 * UNVERIFIED against a live server here: that ALTER SESSION SET CONTAINER (inContainer) keeps these
 * session settings (test/real-oracle.test.ts reads them back in CDB$ROOT only).
 */
export const SESSION_STATE_SQL =
  "ALTER SESSION SET NLS_LANGUAGE = 'AMERICAN' NLS_TERRITORY = 'AMERICA' NLS_NUMERIC_CHARACTERS = '.,' " +
  "NLS_DATE_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6' " +
  "NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6TZH:TZM' TIME_ZONE = '+00:00' " +
  "NLS_SORT = 'BINARY' NLS_COMP = 'BINARY'";

/** What test/real-oracle.test.ts expects NLS_SESSION_PARAMETERS to show after SESSION_STATE_SQL. */
export const SESSION_NLS: Readonly<Record<string, string>> = {
  NLS_LANGUAGE: 'AMERICAN',
  NLS_TERRITORY: 'AMERICA',
  NLS_NUMERIC_CHARACTERS: '.,',
  NLS_DATE_FORMAT: 'YYYY-MM-DD"T"HH24:MI:SS',
  NLS_SORT: 'BINARY',
  NLS_COMP: 'BINARY',
};

/** Round-trip limit for the ALTER SESSION (ms): the session is new, the statement trivial. */
export const SESSION_STATE_CALL_TIMEOUT_MS = 30_000;

/**
 * Sets orb's session state on a session of unknown state: MODULE 'orb' (piggybacked on the
 * ALTER SESSION's round trip, thin mode; ConnectionLike says how) and the NLS settings.
 * The caller's own call timeout is restored afterwards.
 */
export async function applySessionState(conn: ConnectionLike): Promise<void> {
  const before = conn.callTimeout;
  conn.module = ORB_MODULE;
  conn.callTimeout = SESSION_STATE_CALL_TIMEOUT_MS;
  try {
    await conn.execute(SESSION_STATE_SQL, {}, {});
  } finally {
    if (before !== undefined) conn.callTimeout = before;
  }
}

/**
 * node-oracledb's pool `sessionCallback` (callback form: lib/pool.js `_tagFixup` in 6.10 calls
 * `sessionCallback(connection, requestedTag, cb)` and ignores a returned promise).
 * orb requests no tag: thin mode has the session callback but not connection tagging (user guide,
 * Appendix A feature table), its connections report `tag` '' (lib/thin/connection.js getTag), and
 * `_tagFixup` calls the callback when the session is new *or* its tag differs from the requested
 * one — so a requested tag would cost the ALTER SESSION on every getConnection. Without one, the
 * callback runs only for a session the pool has just created (`_newSession`, cleared when the pool
 * takes it back). If it fails, node-oracledb drops that session and getConnection() rejects.
 */
export function sessionCallback(
  connection: unknown,
  _requestedTag: string,
  done: (error?: unknown) => void,
): void {
  applySessionState(connection as ConnectionLike).then(
    () => done(),
    (err: unknown) => done(err),
  );
}

/**
 * MODULE and ACTION are limited to 48 and 32 bytes (DBMS_APPLICATION_INFO); orb's operation
 * names are ASCII camelCase well below that, cut here anyway.
 */
export function actionFor(op: string): string {
  return op.slice(0, 32);
}
