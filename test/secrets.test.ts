import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { relocationActivities } from '../activities/relocate-pdb';
import { oracledbCdb } from '../activities/oracle/oracledb-cdb';
import { parseEstate } from '../common/estate-config';
import { buildRelocateInput } from '../client/relocate-input';
import { closedPort } from './helpers/processes';

/**
 * Secrets (database passwords, wallet passwords) are named in the estate file by reference
 * only and read by the worker when it connects: they never reach a workflow input, nor an
 * activity's result or failure (which Temporal keeps in history).
 */
const PASSWORD = 'Sentinel-Pa55word-9f3c';
const WALLET_PASSWORD = 'Sentinel-Wallet-77aa';


function everything(err: unknown): string {
  const e = err as { message?: string; stack?: string; details?: unknown; cause?: unknown; type?: string };
  return JSON.stringify({ message: e?.message, stack: e?.stack, details: e?.details, type: e?.type, cause: String(e?.cause), causeStack: (e?.cause as Error)?.stack });
}

describe('secrets stay out of workflow inputs, results and failures', () => {
  test('an estate file with an inline password is refused, naming the field', () => {
    assert.throws(
      () => parseEstate({ cdbs: { CDB1: { adapter: 'oracledb', connectString: 'h:1521/s', user: 'c##orb', password: PASSWORD } } }),
      (e: Error) => /cdbs\.CDB1\.password/.test(e.message) && !e.message.includes(PASSWORD),
    );
  });

  test('a failed connection (real thin-mode driver) surfaces as an activity failure without the password', async () => {
    process.env.ORB_TEST_SENTINEL_PW = PASSWORD;
    process.env.ORB_TEST_SENTINEL_WALLET_PW = WALLET_PASSWORD;
    const port = await closedPort();
    const estate = parseEstate({
      cdbs: {
        CDB1: { adapter: 'oracledb', connectString: `127.0.0.1:${port}/cdb1`, user: 'c##orb', password: { env: 'ORB_TEST_SENTINEL_PW' }, walletPassword: { env: 'ORB_TEST_SENTINEL_WALLET_PW' } },
        CDB2: { adapter: 'oracledb', connectString: `127.0.0.1:${port}/cdb2`, user: 'c##orb', password: { env: 'ORB_TEST_SENTINEL_PW' }, dbLinks: { CDB1: 'CDB1_LINK' } },
      },
      approvers: { groups: { dbas: ['alice', 'bob'] } },
    });
    const ports = new Map<string, ReturnType<typeof oracledbCdb>>();
    const open = (cdb: string) => {
      if (!ports.has(cdb)) {
        const cfg = estate.cdbs[cdb];
        if (cfg?.adapter !== 'oracledb') throw new Error(`no oracledb CDB ${cdb}`);
        ports.set(cdb, oracledbCdb(cdb, cfg));
      }
      return ports.get(cdb)!;
    };
    const acts = relocationActivities(open);
    const ref = { pdb: 'SALES', sourceCdb: 'CDB1', targetCdb: 'CDB2', dbLink: 'CDB1_LINK', availability: 'NORMAL' as const };
    const err = await new MockActivityEnvironment().run(acts.preflightRelocation, ref).then(
      () => assert.fail('nothing listens there: preflight cannot succeed'),
      (e: unknown) => e,
    );
    const text = everything(err);
    assert.match(text, /NJS-|ECONNREFUSED|connect/i, 'the failure says the database could not be reached');
    assert.equal((err as { nonRetryable?: boolean }).nonRetryable, false, 'cannot connect is transient: retried');
    assert.ok(!text.includes(PASSWORD), 'the password is not in the failure');
    assert.ok(!text.includes(WALLET_PASSWORD), 'the wallet password is not in the failure');
    for (const p of ports.values()) await p.close();

    // And the workflow input the CLI builds for that estate holds no secret either.
    const input = buildRelocateInput({ pdb: 'SALES', from: 'CDB1', to: 'CDB2', startedBy: 'alice' }, estate);
    const json = JSON.stringify(input);
    assert.ok(!json.includes(PASSWORD) && !json.includes(WALLET_PASSWORD) && !json.includes('c##orb') && !json.includes(String(port)));
  });
});
