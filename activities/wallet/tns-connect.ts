/**
 * The connect test of a TNS_ADMIN consumer: what an application using that directory would meet.
 *  - a real database: node-oracledb thin mode with configDir and walletLocation = the directory,
 *    the wallet password and a database user from the estate (by reference), then
 *    SELECT SYS_CONTEXT('USERENV','DATABASE_ROLE') (no privilege needed: any user can read it);
 *  - a lab database: the lab's connect check (POST /adb/connect) with the directory's tnsnames.ora
 *    and ewallet.pem, which answers what the thin client would (the database role, or the error).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import oracledb from 'oracledb';
import { ApplicationFailure } from '@temporalio/common';
import type { TnsConnectTest } from './tns-admin-consumer';

const CONNECT_TIMEOUT_S = 20;

export function oracledbConnectTest(user: () => string, password: () => string, walletPassword: () => string): TnsConnectTest {
  return async (dir, alias) => {
    const conn = await oracledb.getConnection({
      user: user(),
      password: password(),
      connectString: alias,
      configDir: dir,
      walletLocation: dir,
      walletPassword: walletPassword(),
      connectTimeout: CONNECT_TIMEOUT_S,
    });
    try {
      conn.callTimeout = CONNECT_TIMEOUT_S * 1000;
      const r = await conn.execute<[string, string]>(
        "SELECT SYS_CONTEXT('USERENV','DATABASE_ROLE'), SYS_CONTEXT('USERENV','DB_UNIQUE_NAME') FROM DUAL",
      );
      const [role, unique] = r.rows?.[0] ?? ['UNKNOWN', '?'];
      return { databaseRole: role, detail: `${unique} is ${role}` };
    } finally {
      await conn.close().catch(() => undefined);
    }
  };
}

export function labConnectTest(labUrl: string): TnsConnectTest {
  return async (dir, alias) => {
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
    let res: Response;
    try {
      res = await fetch(`${labUrl}/adb/connect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tnsnamesOra: read('tnsnames.ora'), alias, ewalletPem: read('ewallet.pem') }),
        signal: AbortSignal.timeout(CONNECT_TIMEOUT_S * 1000),
      });
    } catch (e) {
      throw ApplicationFailure.retryable(`the lab did not answer the connect test: ${(e as Error).message}`, 'LabUnreachable');
    }
    const body = (await res.json().catch(() => ({}))) as { result?: { databaseRole?: string; dbUniqueName?: string }; error?: { message?: string } };
    if (!res.ok) throw new Error(body.error?.message ?? `lab answered ${res.status}`);
    const role = body.result?.databaseRole ?? 'UNKNOWN';
    return { databaseRole: role, detail: `${body.result?.dbUniqueName ?? '?'} is ${role}` };
  };
}
