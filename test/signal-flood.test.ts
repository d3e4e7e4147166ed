/**
 * A server that caps the signals of a run (history.maximumSignalsPerExecution, as the README
 * advises against floods that would push a run past Temporal's history limits and terminate it)
 * lets a flood use up that budget. orb approve / orb reject still decide the gate: they send an
 * Update, answered by the run at once; an Update the workflow's validator refuses leaves no
 * trace in the history.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecisionOutcome } from '../client/runbooks';
import { relocateWorkflowId } from '../common/runbook-types';
import { cliEnvOf, orbSuite, relocateInput } from './helpers/orb-env';
import { temporal } from './helpers/temporal-cli';
import { runCli } from './helpers/processes';

const ID = relocateWorkflowId('CDB1', 'SALES');
const SIGNALS_MAX = 5;

describe('a run whose signal budget a flood has used up', () => {
  const o = orbSuite({ serverArgs: ['--dynamic-config-value', `history.maximumSignalsPerExecution=${SIGNALS_MAX}`] });
  const orb = (args: string[]) => runCli(args, cliEnvOf(o));
  const send = (kind: 'signal' | 'update execute', payload: unknown) =>
    temporal(o.env.address, ['workflow', ...kind.split(' '), '--workflow-id', ID, '--name', 'approve', '--input', JSON.stringify(payload)]);

  test('orb approve still decides the gate, by Update; a malformed Update leaves no trace in the history', async () => {
    const h = await o.start(relocateInput());
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    for (let k = 0; k < SIGNALS_MAX; k++) {
      const r = await send('signal', { gate: 'cutover', by: 'mallory', comment: `flood ${k}` });
      assert.equal(r.code, 0, r.stderr);
    }
    await o.waitFor(h, (s) => s.approvals.length === SIGNALS_MAX, 'the flood to be refused');
    const spent = await send('signal', { gate: 'cutover', by: 'bob' });
    assert.notEqual(spent.code, 0, 'the server takes no more signals for this run');

    const events = async () => (await h.fetchHistory()).events?.length ?? 0;
    const before = await events();
    const bad = await send('update execute', { gate: 'cutover', by: 'bob', sudo: true });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /not a valid approve update: \(payload\): has unknown field\(s\) \\?"sudo/); // the CLI logs it quoted
    assert.equal(await events(), before, 'the refused Update wrote nothing to the history');

    const self = await orb(['approve', ID, '--gate', 'cutover', '--by', 'alice', '--json']);
    assert.equal(self.code, 2, self.stderr);
    const refused = JSON.parse(self.stdout) as DecisionOutcome;
    assert.equal(refused.via, 'update');
    assert.match(refused.record?.refusedBecause ?? '', /alice started this runbook/);

    const ok = await orb(['approve', ID, '--gate', 'cutover', '--by', 'bob', '--comment', 'CHG-1234', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const approved = JSON.parse(ok.stdout) as DecisionOutcome;
    assert.equal(approved.via, 'update');
    assert.deepEqual([approved.record?.by, approved.record?.comment, approved.record?.refusedBecause], ['bob', 'CHG-1234', undefined]);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
  });
});
