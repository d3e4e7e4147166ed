/**
 * What the node-oracledb adapter sends for a readiness check: the PDB list, GV$SESSION grouped by
 * service and failover settings, and ACCHK in the PDB's container, every value bound; and how it
 * reads the rows back (an ACCHK view that does not exist yet is no statistics).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCHK_SUMMARY_SQL,
  FAILOVER_SESSIONS_SQL,
  LIST_PDBS_SQL,
  oracledbCdb,
  type ConnectionLike,
} from '../activities/oracle/oracledb-cdb';
import type { OracledbCdbConfig } from '../activities/oracle/oracledb-connect';
import { SESSION_STATE_SQL } from '../activities/oracle/session-state';
import { InputError } from '../common/input-error';

interface Sent {
  sql: string;
  binds: Record<string, unknown>;
}

/** Connections that record what they are sent and answer from a table of SQL texts. */
function fakeDb(answers: Map<string, unknown[] | Error>) {
  const sent: Sent[] = [];
  const getConnection = async (): Promise<ConnectionLike> => ({
    async execute(sql: string, binds: Record<string, unknown> = {}) {
      // Each standalone connection first gets orb's session state (oracledb-cdb.test.ts tests it).
      if (sql === SESSION_STATE_SQL) return { rows: [] };
      sent.push({ sql, binds });
      const a = answers.get(sql);
      if (a instanceof Error) throw a;
      return { rows: a ?? [] };
    },
    async close() {},
    async ping() {},
  });
  return { sent, getConnection };
}

const cfg: OracledbCdbConfig = {
  adapter: 'oracledb',
  connectString: 'db1.example.com:1521/CDB1_ROOT',
  user: 'C##ORB',
  password: { env: 'ORB_TEST_FAKE_PASSWORD' },
  dbLinks: {},
};

function portWith(answers: [string, unknown[] | Error][]) {
  process.env.ORB_TEST_FAKE_PASSWORD = 'tiger';
  const db = fakeDb(new Map(answers));
  return { db, port: oracledbCdb('CDB1', cfg, { getConnection: db.getConnection }) };
}

describe('readiness reads through node-oracledb', () => {
  test('listPdbs: CDB_PDBS with V$PDBS, the seed left out', async () => {
    const { db, port } = portWith([[LIST_PDBS_SQL, [
      { PDB_NAME: 'HR', STATUS: 'NORMAL', OPEN_MODE: 'MOUNTED', TOTAL_SIZE: 0 },
      { PDB_NAME: 'SALES', STATUS: 'NORMAL', OPEN_MODE: 'READ WRITE', TOTAL_SIZE: 2048 },
    ]]]);
    assert.deepEqual(await port.listPdbs(), [
      { name: 'HR', status: 'NORMAL', openMode: 'MOUNTED', totalSizeBytes: 0 },
      { name: 'SALES', status: 'NORMAL', openMode: 'READ WRITE', totalSizeBytes: 2048 },
    ]);
    assert.match(db.sent[0]!.sql, /WHERE p\.PDB_NAME <> 'PDB\$SEED'/);
  });

  test('countFailoverSessions: GV$SESSION user sessions of the PDB grouped by service, type, method, failed over; the PDB bound', async () => {
    const { db, port } = portWith([[FAILOVER_SESSIONS_SQL, [
      { SERVICE_NAME: 'sales_rw', FAILOVER_TYPE: 'TRANSACTION', FAILOVER_METHOD: 'NONE', FAILED_OVER: 'NO', SESSIONS: 5 },
      { SERVICE_NAME: 'sales_rw', FAILOVER_TYPE: 'TRANSACTION', FAILOVER_METHOD: 'NONE', FAILED_OVER: 'YES', SESSIONS: 1 },
    ]]]);
    assert.deepEqual(await port.countFailoverSessions('sales'), [
      { service: 'sales_rw', failoverType: 'TRANSACTION', failoverMethod: 'NONE', failedOver: false, count: 5 },
      { service: 'sales_rw', failoverType: 'TRANSACTION', failoverMethod: 'NONE', failedOver: true, count: 1 },
    ]);
    assert.deepEqual(db.sent, [{ sql: FAILOVER_SESSIONS_SQL, binds: { pdb: 'SALES' } }]);
    assert.match(FAILOVER_SESSIONS_SQL, /FROM GV\$SESSION s .* WHERE c\.NAME = :pdb AND s\.TYPE = 'USER' GROUP BY s\.SERVICE_NAME, s\.FAILOVER_TYPE, s\.FAILOVER_METHOD, s\.FAILED_OVER/);
  });

  test('getAcchkSummary: in the PDB\'s container, back to the root after; a missing view (before 19.11) is no statistics', async () => {
    const rows = [{ SERVICE_NAME: 'sales_rw', REQUESTS: 40, USER_CALLS: 400, PROTECTED_CALLS: 360, PROTECTED_PERCENT: 91.5 }];
    const { db, port } = portWith([[ACCHK_SUMMARY_SQL, rows]]);
    assert.deepEqual(await port.getAcchkSummary('sales'), [
      { service: 'sales_rw', totalRequests: 40, userCalls: 400, protectedCalls: 360, protectedCallsPercent: 91.5 },
    ]);
    assert.deepEqual(db.sent.map((s) => s.sql), ['ALTER SESSION SET CONTAINER = SALES', ACCHK_SUMMARY_SQL, 'ALTER SESSION SET CONTAINER = CDB$ROOT']);

    const missing = Object.assign(new Error('ORA-00942: table or view does not exist'), { errorNum: 942, code: 'ORA-00942' });
    assert.deepEqual(await portWith([[ACCHK_SUMMARY_SQL, missing]]).port.getAcchkSummary('SALES'), []);
    const denied = Object.assign(new Error('ORA-01031: insufficient privileges'), { errorNum: 1031, code: 'ORA-01031' });
    await assert.rejects(portWith([[ACCHK_SUMMARY_SQL, denied]]).port.getAcchkSummary('SALES'), /ORA-01031/);
  });

  test('a PDB name that is not an identifier never reaches the text (the container switch cannot be bound)', async () => {
    const { db, port } = portWith([]);
    for (const call of [() => port.getAcchkSummary('SALES; DROP USER X'), () => port.countFailoverSessions("S' OR '1'='1")]) {
      await assert.rejects(call(), (e: unknown) => e instanceof InputError && e.field === 'pdb');
    }
    assert.deepEqual(db.sent, []);
  });
});
