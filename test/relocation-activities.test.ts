import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { relocationActivities, type RelocationRef } from '../activities/relocate-pdb';
import { labCdb } from '../activities/oracle/lab-cdb';
import { runTagOf } from '../activities/oracle/copy-progress';
import { labApi, type Lab } from './helpers/orb-env';
import { startLabProcess } from './helpers/lab-process';
import { until } from './helpers/until';

/**
 * The relocation activities against a lab process, outside any workflow: each one checks the
 * estate's state before acting, because activities run at least once and Oracle does not
 * deduplicate statements.
 */
/** The run MockActivityEnvironment's activities belong to (its default info), and its tag. */
const MOCK_RUN = runTagOf({ workflowId: 'test', runId: '00000000-0000-0000-0000-000000000000' });
const OTHER_RUN = runTagOf({ workflowId: 'relocate-pdb:CDB3:SALES', runId: 'another-run' });

/** MockActivityEnvironment.run, typed by the activity it runs. */
function run<A extends (...args: any[]) => Promise<any>>(env: MockActivityEnvironment, fn: A, ...args: Parameters<A>): ReturnType<A> {
  return env.run(fn, ...args) as ReturnType<A>;
}

describe('relocation activities are idempotent by state', () => {
  let lab: Lab;
  let api: ReturnType<typeof labApi>;
  let acts: ReturnType<typeof relocationActivities>;
  const ref: RelocationRef = { pdb: 'SALES', sourceCdb: 'CDB1', targetCdb: 'CDB2', dbLink: 'CDB1_LINK', availability: 'NORMAL' };

  before(async () => {
    lab = await startLabProcess({ seed: 'test' });
    api = labApi(lab.url);
    acts = relocationActivities((cdb) => labCdb(lab.url, cdb), { copyPollMs: 200 });
  });
  after(async () => {
    await lab?.stop();
  });
  /** Waits until a CREATE of SALES is under way in CDB2 (the request may take a while to reach a loaded lab). */
  const copyUnderWay = () => until('a CREATE of SALES under way in CDB2', () => labCdb(lab.url, 'CDB2').getCopyProgress(), (c) => c.some((x) => x.pdb === 'SALES'));

  afterEach(async () => {
    await api.clearFaults();
    await api.reset('test');
  });

  test('copyPdb heartbeats percent done and time remaining, then reports copied', async () => {
    const env = new MockActivityEnvironment();
    const beats: any[] = [];
    env.on('heartbeat', (d) => beats.push(d));
    const r = await run(env, acts.copyPdb, ref);
    assert.equal(r.outcome, 'copied');
    const withPercent = beats.filter((b) => typeof b?.percent === 'number');
    assert.ok(withPercent.length >= 2, `progress was heartbeated (${beats.length} beats)`);
    assert.ok(withPercent.some((b) => b.percent > 0 && b.percent < 100));
    assert.ok(withPercent.every((b) => 'timeRemainingSeconds' in b));
  });

  test('copyPdb run again after the copy finished issues no second CREATE', async () => {
    const env = new MockActivityEnvironment();
    await run(env, acts.copyPdb, ref);
    const again = await run(env, acts.copyPdb, ref);
    assert.equal(again.outcome, 'already-copied');
    assert.equal((await api.oplog()).filter((e) => e.op === 'createPdbRelocate').length, 1);
  });

  test('copyPdb joins a copy already under way instead of issuing another CREATE', async () => {
    // An earlier attempt of this run whose worker died: the CREATE, tagged with the run, is running in the lab.
    const orphan = labCdb(lab.url, 'CDB2').createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: MOCK_RUN });
    orphan.catch(() => undefined);
    await copyUnderWay();
    const r = await run(new MockActivityEnvironment(), acts.copyPdb, ref);
    assert.equal(r.outcome, 'joined-running-copy');
    await orphan;
    assert.equal((await api.oplog()).filter((e) => e.op === 'createPdbRelocate').length, 1);
  });

  test('copyPdb drops an UNUSABLE target left by an aborted copy, then copies again', async () => {
    await api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', kind: 'transient', ora: 'ORA-03113', at: 0.4 });
    await assert.rejects(run(new MockActivityEnvironment(), acts.copyPdb, ref), /ORA-03113/);
    const left = await labCdb(lab.url, 'CDB2').getPdb('SALES');
    assert.equal(left?.status, 'UNUSABLE');
    const r = await run(new MockActivityEnvironment(), acts.copyPdb, ref);
    assert.equal(r.outcome, 'copied');
    assert.equal(r.droppedUnusable, true);
    const ops = (await api.oplog()).map((e) => `${e.op}:${e.outcome}`);
    assert.deepEqual(ops.filter((x) => /createPdbRelocate|dropPdb/.test(x)), ['createPdbRelocate:error', 'dropPdb:ok', 'createPdbRelocate:ok']);
  });

  test('dropRelocatedCopy never drops an open PDB nor the only copy left', async () => {
    const env = new MockActivityEnvironment();
    assert.match(await run(env, acts.dropRelocatedCopy, ref), /nothing to drop/);
    await run(env, acts.copyPdb, ref);
    await run(env, acts.openPdb, { cdb: 'CDB2', pdb: 'SALES' });
    await assert.rejects(run(env, acts.dropRelocatedCopy, ref), /open \(READ WRITE\) in CDB2: it is the live PDB now/);
    assert.equal((await api.oplog()).filter((e) => e.op === 'dropPdb').length, 0);
  });

  test('dropRelocatedCopy never drops the copy when the source is no longer intact', async () => {
    const env = new MockActivityEnvironment();
    await run(env, acts.copyPdb, ref);
    // As if the source had been relocated away or damaged by hand meanwhile.
    await api.patchPdb('CDB1', 'SALES', { status: 'RELOCATED', openMode: 'MOUNTED' });
    await assert.rejects(run(env, acts.dropRelocatedCopy, ref), (e: Error & { type?: string }) =>
      e.type === 'SourceNotIntact' && /may be the only one left, orb will not drop it/.test(e.message));
    assert.equal((await api.oplog()).filter((e) => e.op === 'dropPdb').length, 0);
    assert.equal((await labCdb(lab.url, 'CDB2').getPdb('SALES'))?.status, 'RELOCATING', 'the copy is still there');
  });

  test('dropRelocatedCopy never drops a PDB that is not a relocation copy', async () => {
    const env = new MockActivityEnvironment();
    await run(env, acts.copyPdb, ref);
    // As if the name were taken meanwhile by something else: a refreshable clone, say.
    await api.patchPdb('CDB2', 'SALES', { status: 'REFRESHING', openMode: 'MOUNTED' });
    await assert.rejects(run(env, acts.dropRelocatedCopy, ref), (e: Error & { type?: string }) => e.type === 'NotOurCopy' && /not a relocation's copy/.test(e.message));
    await assert.rejects(run(env, acts.copyPdb, ref), (e: Error & { type?: string }) => e.type === 'UnexpectedTargetState');
    assert.equal((await api.oplog()).filter((e) => e.op === 'dropPdb').length, 0);
  });

  test('dropRelocatedCopy waits (retryable) while the copy is still running', async () => {
    const orphan = labCdb(lab.url, 'CDB2').createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: MOCK_RUN });
    orphan.catch(() => undefined);
    await copyUnderWay();
    await assert.rejects(run(new MockActivityEnvironment(), acts.dropRelocatedCopy, ref), (e: Error & { type?: string; nonRetryable?: boolean }) =>
      e.type === 'CopyStillRunning' && e.nonRetryable === false);
    await orphan;
    assert.match(await run(new MockActivityEnvironment(), acts.dropRelocatedCopy, ref), /dropped SALES \(RELOCATING\) in CDB2/);
  });

  test('openPdb and startServices are idempotent', async () => {
    const env = new MockActivityEnvironment();
    await run(env, acts.copyPdb, ref);
    assert.deepEqual(await run(env, acts.openPdb, { cdb: 'CDB2', pdb: 'SALES' }), { alreadyOpen: false, openMode: 'READ WRITE' });
    assert.deepEqual(await run(env, acts.openPdb, { cdb: 'CDB2', pdb: 'SALES' }), { alreadyOpen: true, openMode: 'READ WRITE' });
    const services = ['SALES_RW'];
    assert.deepEqual(await run(env, acts.startServices, { cdb: 'CDB2', pdb: 'SALES', services }), ['SALES_RW']);
    assert.deepEqual(await run(env, acts.startServices, { cdb: 'CDB2', pdb: 'SALES', services }), []);
    assert.equal((await api.oplog()).filter((e) => e.op === 'openPdb').length, 1);
  });

  test('preflight reports each prerequisite, and fails the PDB that breaks one', async () => {
    const env = new MockActivityEnvironment();
    const good = await run(env, acts.preflightRelocation, ref);
    assert.deepEqual(good.filter((c) => c.outcome === 'fail'), []);
    for (const name of ['source CDB uses local undo', 'same endianness', 'compatible character sets', 'installed options', 'database link', 'source CDB in ARCHIVELOG mode']) {
      assert.ok(good.some((c) => c.check === name && c.outcome === 'pass'), `${name} passes`);
    }
    const bad = await run(env, acts.preflightRelocation, { ...ref, pdb: 'HR', sourceCdb: 'CDB3', dbLink: 'CDB3_LINK' });
    const failed = bad.filter((c) => c.outcome === 'fail');
    assert.ok(failed.length >= 1);
    for (const f of failed) assert.ok(f.reason.length > 20, 'each failure says why');
    assert.equal((await api.oplog()).length, 0, 'preflight changes nothing');
  });

  /** A CREATE of SALES into CDB2 not issued by this run: typed by a DBA (no tag), or another run's. Resolves when it has started. */
  async function foreignCreate(opts: { runTag?: string; abortAt?: number } = {}): Promise<{ ended: Promise<unknown> }> {
    if (opts.abortAt !== undefined) await api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', kind: 'permanent', ora: 'ORA-19504', at: opts.abortAt });
    const args = { pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', ...(opts.runTag ? { runTag: opts.runTag } : {}) };
    const running = api.op('CDB2', 'createPdbRelocate', args);
    running.catch(() => undefined);
    await copyUnderWay();
    return { ended: running };
  }

  test('copyPdb never joins a CREATE it did not start: one typed by hand is a non-retryable ForeignCopy naming it, and nothing is dropped', async () => {
    const { ended: byHand } = await foreignCreate();
    // While it runs the target is UNUSABLE, like a leftover: orb must not drop it.
    assert.equal((await labCdb(lab.url, 'CDB2').getPdb('SALES'))?.status, 'UNUSABLE');
    await assert.rejects(run(new MockActivityEnvironment(), acts.copyPdb, ref), (e: Error & { type?: string; nonRetryable?: boolean }) =>
      e.type === 'ForeignCopy' && e.nonRetryable === true && /CDB2 is already creating SALES/.test(e.message) && /MODULE sqlplus@dbhost/.test(e.message));
    await byHand;
    const ops = (await api.oplog()).map((e) => `${e.op}:${e.outcome}`);
    assert.deepEqual(ops, ['createPdbRelocate:ok'], 'one CREATE (the DBA’s), no drop');
  });

  test('copyPdb never joins a copy of the same PDB another orb run started', async () => {
    const { ended: other } = await foreignCreate({ runTag: OTHER_RUN });
    await assert.rejects(run(new MockActivityEnvironment(), acts.copyPdb, ref), (e: Error & { type?: string }) =>
      e.type === 'ForeignCopy' && e.message.includes(`orb run ${OTHER_RUN}`));
    await other;
    assert.equal((await api.oplog()).filter((e) => e.op === 'createPdbRelocate').length, 1);
  });

  test('dropRelocatedCopy waits while a CREATE by someone else runs, and drops the leftover only once that CREATE has ended', async () => {
    const { ended: byHand } = await foreignCreate({ abortAt: 0.6 });
    await assert.rejects(run(new MockActivityEnvironment(), acts.dropRelocatedCopy, ref), (e: Error & { type?: string; nonRetryable?: boolean }) =>
      e.type === 'CopyStillRunning' && e.nonRetryable === false && /sqlplus@dbhost/.test(e.message));
    assert.equal((await labCdb(lab.url, 'CDB2').getPdb('SALES'))?.status, 'UNUSABLE', 'being created');
    assert.equal((await api.oplog()).filter((e) => e.op === 'dropPdb').length, 0);
    await assert.rejects(byHand, /ORA-19504/);
    assert.match(await run(new MockActivityEnvironment(), acts.dropRelocatedCopy, ref), /dropped SALES \(UNUSABLE\) in CDB2/);
    assert.equal(await labCdb(lab.url, 'CDB2').getPdb('SALES'), null);
  });

  test('copyPdb retries a source-side error wrapped around a lost connection, and stops on one wrapped around a missing privilege', async () => {
    await api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', kind: 'transient', ora: 'ORA-17628', nested: 'ORA-03113', times: 1 });
    await assert.rejects(run(new MockActivityEnvironment(), acts.copyPdb, ref), (e: Error & { type?: string; nonRetryable?: boolean }) =>
      e.type === 'ORA-17628' && e.nonRetryable === false && /ORA-17628 \(remote ORA-03113\)/.test(e.message));
    await api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', kind: 'permanent', ora: 'ORA-17628', nested: 'ORA-01031', times: 1 });
    await assert.rejects(run(new MockActivityEnvironment(), acts.copyPdb, ref), (e: Error & { type?: string; nonRetryable?: boolean }) =>
      e.type === 'ORA-17628' && e.nonRetryable === true && /ORA-17628 \(remote ORA-01031\)/.test(e.message));
    // The lab's own refusal of a link user without SYSOPER arrives the same way.
    const patched = await fetch(`${lab.url}/cdbs/CDB1/users/${encodeURIComponent('C##RELOCATE')}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sysoper: false }),
    });
    assert.equal(patched.status, 200);
    await assert.rejects(run(new MockActivityEnvironment(), acts.copyPdb, ref), (e: Error & { type?: string; nonRetryable?: boolean }) =>
      e.type === 'ORA-17628' && e.nonRetryable === true && /remote ORA-01031/.test(e.message));
  });

  test('copyPdb reports bytes, blocks, copier sessions and time left as the copy goes', async () => {
    const env = new MockActivityEnvironment();
    const details: string[] = [];
    env.on('heartbeat', (d) => typeof d?.detail === 'string' && details.push(d.detail));
    await run(env, acts.copyPdb, ref);
    // SALES: 2 GiB = 262,144 blocks of 8 KiB (the source's size is the total), 4 parallel copiers.
    const line = /^copied [\d.]+ (B|KiB|MiB|GiB) of 2 GiB \(([\d,]+) of 262,144 blocks, 4 copier sessions\), about \d+ (s|min) left$/;
    const seen = details.filter((d) => line.test(d));
    assert.ok(seen.length >= 2, `progress lines: ${JSON.stringify(details)}`);
    assert.ok(seen.some((d) => Number(line.exec(d)![2]!.replace(/,/g, '')) > 0), JSON.stringify(seen));
  });

  test('preflight fails a target already creating the PDB, naming who creates it', async () => {
    const { ended: byHand } = await foreignCreate();
    const name = (await run(new MockActivityEnvironment(), acts.preflightRelocation, ref)).find((c) => c.check === 'target has no PDB of that name');
    assert.equal(name?.outcome, 'fail');
    assert.match(name?.reason ?? '', /CDB2 is already creating SALES: CREATE PLUGGABLE DATABASE under way in session \d+,\d+,\d+ \(MODULE sqlplus/);
    await byHand;
  });

  test('preflight fails a national character set that differs (ORA-65119)', async () => {
    await api.patchCdb('CDB2', { ncharCharacterSet: 'UTF8' });
    const nchar = (await run(new MockActivityEnvironment(), acts.preflightRelocation, ref)).find((c) => c.check === 'national character sets');
    assert.equal(nchar?.outcome, 'fail');
    assert.match(nchar?.reason ?? '', /AL16UTF16.*UTF8.*must be the same \(ORA-65119\)/);
  });
});
