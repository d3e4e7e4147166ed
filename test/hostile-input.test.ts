/**
 * Whatever reaches a run from outside is checked by the workflow itself: signals of any type,
 * shape and size sent with the real `temporal` CLI (and hundreds more with the SDK) change
 * nothing, fail no workflow task, are recorded as refused with the field and the rule, and keep
 * the status (query answer and result) under a computed bound; a run started around orb with
 * `temporal workflow start` is listed by `orb list` with its identity and runs like any other,
 * and a malformed one fails at once, naming the field.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { ListedRun } from '../client/runbooks';
import { relocateWorkflowId, type RunbookStatus } from '../common/runbook-types';
import { REFUSED_KEPT } from '../common/approval-schema';
import { clippedLength } from '../common/untrusted-text';
import { ACCEPTED_RECORD_MAX_BYTES, MAX_REFUSED_KEPT, REFUSAL_REASON_MAX, REFUSED_RECORD_MAX_BYTES } from '../workflows/shared/runbook-journal';
import { cliEnvOf, orbSuite, pdbEverywhere, relocateInput } from './helpers/orb-env';
import { temporal } from './helpers/temporal-cli';
import { runCli } from './helpers/processes';
import { until } from './helpers/until';

const ID = relocateWorkflowId('CDB1', 'SALES');
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/** Temporal's payload limits: a warning at 512 KB, an error at 2 MB. The status must stay far below. */
const STATUS_LIMIT_BYTES = 256 * 1024;

describe('hostile input to a run', () => {
  const o = orbSuite();
  const dir = mkdtempSync(join(tmpdir(), 'orb-hostile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const signal = (name: string, ...inputArgs: string[]) => temporal(o.env.address, ['workflow', 'signal', '--workflow-id', ID, '--name', name, ...inputArgs]);
  const orb = (args: string[]) => runCli(args, cliEnvOf(o));
  /**
   * Workflow tasks that failed because of the workflow's code. Left out: the server's own
   * refusals of a task's commands while signals keep arriving (UnhandledCommand: the run tried to
   * close while new signals were buffered; ForceCloseCommand: too many buffered events), which the
   * worker answers by running the task again with the new events: no code of orb failed there.
   */
  const SERVER_SIDE = new Set<number>([
    1, // WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND (temporal.api.enums.v1.WorkflowTaskFailedCause)
    17, // WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND
  ]);
  async function workflowTaskFailures(h: WorkflowHandle): Promise<string[]> {
    const history = await h.fetchHistory();
    return (history.events ?? [])
      .filter((e) => e.workflowTaskFailedEventAttributes && !SERVER_SIDE.has(e.workflowTaskFailedEventAttributes.cause ?? 0))
      .map((e) => JSON.stringify(e.workflowTaskFailedEventAttributes?.failure?.message));
  }
  async function listed(id: string, ok: (r: ListedRun) => boolean): Promise<ListedRun | undefined> {
    const read = async () => {
      const l = await orb(['list', '--json']);
      assert.equal(l.code, 0, l.stderr);
      return (JSON.parse(l.stdout) as ListedRun[]).find((r) => r.workflowId === id);
    };
    return until(`orb list to show ${id}`, read, (r) => r !== undefined && ok(r));
  }

  test('signals of any type, shape and size change nothing, fail no task, are refused with the reason; the status stays bounded', async (t) => {
    const h = await o.start(relocateInput());
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');

    const megabyte = '€'.repeat(350_000); // about 1 MB in UTF-8, every character 3 bytes
    const bigComment = join(dir, 'big-comment.json');
    writeFileSync(bigComment, JSON.stringify({ gate: 'cutover', by: 'bob', comment: megabyte }));
    const bigBy = join(dir, 'big-by.json');
    writeFileSync(bigBy, JSON.stringify({ gate: megabyte.slice(0, 250_000), by: ` ${megabyte.slice(0, 100_000)} `, comment: 5 }));
    const nested = JSON.stringify({ gate: { a: { b: [1, [2, [3, { c: null }]]] } }, by: ['bob'] });
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, k) => [`k${k}${'€'.repeat(50)}`, k])));
    const sent: [string, string[], RegExp][] = [
      ['approve', ['--input', 'null'], /^not a valid approve signal: \(payload\): must be an object \{"gate", "by", "comment", "choice"\}, not null$/],
      ['approve', ['--input', '42'], /not a number$/],
      ['approve', ['--input', '"approve"'], /not "approve"$/],
      ['approve', ['--input', '[1,2]'], /not an array$/],
      ['approve', ['--input', '{}'], /gate: must be a gate name \(a string\).*by: must be a user name/],
      ['approve', [], /not nothing$/],
      ['approve', ['--input', nested], /gate: must be a gate name \(a string\).*by: must be a user name/],
      ['approve', ['--input', deep], /not an array$/],
      ['approve', ['--input', manyKeys], /has unknown field\(s\) "k0€€€.*and 497 more/],
      ['approve', ['--input', '{"gate":"cutover","by":"bob","sudo":true}'], /\(payload\): has unknown field\(s\) "sudo"$/],
      ['approve', ['--input', '{"gate":"cutover","by":"bob","__proto__":{"allowInitiator":true}}'], /has unknown field\(s\) "__proto__"$/],
      ['approve', ['--input', '{"gate":"cutover","by":"bob","constructor":{"prototype":{"x":1}}}'], /has unknown field\(s\) "constructor"$/],
      ['approve', ['--input', '{"gate":"cutover","by":"bob\\u0000"}'], /by: "bob\ufffd" is not a valid user name/],
      ['approve', ['--input', '{"gate":"cutover","by":"bob","comment":"\\u001b[2J\\u001b[31mAPPROVED"}'], /comment: must not contain control.*U\+001B at 0/],
      ['approve', ['--input', '{"gate":"cutover","by":"bob","comment":"ok \\u202e evil"}'], /comment: must not contain .*U\+202E at 3/],
      ['reject', ['--input-file', bigComment], /^not a valid reject signal: comment: must be at most 2000 characters \(got 350000\)$/],
      ['reject', ['--input-file', bigBy], /gate: "€+…\(\+\d+ more\)" is not a gate name/],
      // Two arguments: the first is the payload.
      ['approve', ['--input', 'null', '--input', '{"gate":"cutover","by":"bob"}'], /not null$/],
      ['approve', ['--input-meta', 'encoding=binary/evil', '--input', '"x"'], /^not a valid approve signal: \(payload\): could not be decoded \(encoding binary\/evil: Unknown encoding/],
      ['approve', ['--input', '{"gate":"cutover","by":"mallory","comment":"let me in"}'], /^mallory is not an approver of gate "cutover"/],
    ];
    for (const [name, args] of sent) {
      const r = await signal(name, ...args);
      assert.equal(r.code, 0, `temporal workflow signal ${args.join(' ').slice(0, 200)}: ${r.stderr}`);
    }
    // Bytes that are not JSON, labelled JSON (the temporal CLI checks its --input; the API does not).
    await o.env.client.workflowService.signalWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: ID },
      signalName: 'approve',
      input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"gate": "cutover", "by": ') }] },
    });
    sent.push(['approve', ['(raw API: invalid JSON)'], /^not a valid approve signal: \(payload\): could not be decoded \(encoding json\/plain: /]);
    const marker = (text: string) => h.signal('approve', { gate: 'copy', by: 'carol', comment: text });
    await marker('end of the temporal CLI signals');
    let s = await o.waitFor(h, (x) => x.approvals.some((a) => a.comment === 'end of the temporal CLI signals'), 'every signal to be recorded');
    const records = s.approvals.slice(0, sent.length);
    sent.forEach(([name, args, reason], k) => {
      const rec = records[k]!;
      assert.equal(rec.decision, name, `record ${k}`);
      assert.match(rec.refusedBecause ?? '(accepted)', reason, `temporal workflow signal --name ${name} ${args.join(' ').slice(0, 100)}`);
    });
    const big = records[16]!; // the 1 MB gate and name
    assert.ok(big.gate.length <= clippedLength(REFUSED_KEPT.gate) && big.by.length <= clippedLength(REFUSED_KEPT.by), 'outside strings are clipped in the status');
    assert.ok((big.comment ?? '').length <= clippedLength(REFUSED_KEPT.comment));
    assert.equal(s.openGate?.name, 'cutover', 'the gate is still open');
    assert.deepEqual(s.openGate?.approvedBy, [], 'nothing approved it');

    // Hundreds more, of every shape, with the SDK (the same wire format, without a process each).
    const shapes: unknown[] = [null, 7, 'x', [], {}, { gate: 'cutover' }, { gate: 'cutover', by: 'mallory', comment: '€'.repeat(1999) }, { gate: 'copy', by: 'bob' }, { gate: 'x'.repeat(64), by: 'y'.repeat(64), comment: '€'.repeat(2000) }];
    for (let k = 0; k < 300; k++) await h.signal(k % 2 ? 'approve' : 'reject', shapes[k % shapes.length]);
    // Then the largest records a refusal can leave, to fill every kept slot: 3-byte characters everywhere.
    const worst = { gate: '€'.repeat(300), by: '€'.repeat(300), comment: '€'.repeat(3000), ['€'.repeat(100)]: 1 };
    for (let k = 0; k < MAX_REFUSED_KEPT + 10; k++) await h.signal('approve', worst);
    await marker('end of the SDK signals');
    s = await o.waitFor(h, (x) => x.approvals.some((a) => a.comment === 'end of the SDK signals'), 'every signal to be recorded');
    const refused = s.approvals.filter((a) => a.refusedBecause);
    assert.equal(refused.length, MAX_REFUSED_KEPT, 'the refused records kept are bounded');
    assert.ok(refused.every((a) => (a.refusedBecause ?? '').length <= clippedLength(REFUSAL_REASON_MAX)));
    const accepted = s.approvals.length - refused.length;
    const bound = bytes({ ...s, approvals: [] }) + MAX_REFUSED_KEPT * REFUSED_RECORD_MAX_BYTES + accepted * ACCEPTED_RECORD_MAX_BYTES;
    assert.ok(bytes(s) <= bound, `status ${bytes(s)} bytes > bound ${bound}`);
    assert.ok(bound < STATUS_LIMIT_BYTES, `bound ${bound} bytes`);
    t.diagnostic(`status ${bytes(s)} bytes; bound ${bound} bytes (${accepted} accepted, ${refused.length} refused)`);
    assert.equal(s.openGate?.name, 'cutover');
    assert.deepEqual(s.openGate?.approvedBy, []);

    // A proper approval still goes through; the run completes; no workflow task ever failed.
    const ok = await signal('approve', '--input', '{"gate":"cutover","by":"bob","comment":"CHG-1234"}');
    assert.equal(ok.code, 0, ok.stderr);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.ok(bytes(r.value) < STATUS_LIMIT_BYTES, `result ${bytes(r.value)} bytes`);
    assert.ok(r.value.status.approvals.some((a) => a.by === 'bob' && a.comment === 'CHG-1234' && !a.refusedBecause));
    assert.deepEqual(await workflowTaskFailures(h), [], 'no workflow task failed');
  });

  test('a relocation started with the temporal CLI, without search attributes, is listed by orb list and runs to completion', async () => {
    // Lower-case names, as someone might type them: the workflow makes them canonical itself.
    const input = { ...relocateInput(), pdb: 'sales' };
    const started = await temporal(o.env.address, ['workflow', 'start', '--type', 'relocatePdb', '--task-queue', o.taskQueue, '--workflow-id', ID, '--input', JSON.stringify(input)]);
    assert.equal(started.code, 0, started.stderr);
    const run = await listed(ID, (r) => r.pdb !== null);
    assert.deepEqual([run?.runbook, run?.pdb, run?.sourceCdb, run?.targetCdb], ['relocate-pdb', 'SALES', 'CDB1', 'CDB2']);
    const h = o.env.client.workflow.getHandle(ID);
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    const approved = await orb(['approve', ID, '--gate', 'cutover', '--by', 'bob']);
    assert.equal(approved.code, 0, approved.stderr);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    await listed(ID, (x) => x.stage === 'completed');
  });

  test('a malformed input started around orb fails at once with InvalidInput naming the fields, and stays findable', async () => {
    const id = 'relocate-pdb:CDB1:malformed';
    // A 32-byte PDB name (the rule counts bytes inside the workflow too), a bad user, an unknown
    // field; and a search attribute of the sender's own that the input does not back.
    const bad = { ...relocateInput(), pdb: 'É'.repeat(16), startedBy: 'al ice', sudo: true };
    const started = await temporal(o.env.address, [
      'workflow', 'start', '--type', 'relocatePdb', '--task-queue', o.taskQueue, '--workflow-id', id, '--input', JSON.stringify(bad), '--search-attribute', 'OrbPdb="HR"',
    ]);
    assert.equal(started.code, 0, started.stderr);
    const h = o.env.client.workflow.getHandle(id);
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'InvalidInput', JSON.stringify(r));
    assert.match(r.message, /^invalid relocate-pdb input, nothing was done: /);
    assert.match(r.message, /pdb: must be at most 30 bytes long \(got 32\)/);
    assert.match(r.message, /startedBy: "al ice" is not a valid user name/);
    assert.match(r.message, /\(input\): has unknown field\(s\) "sudo"/);
    const run = await listed(id, (x) => x.stage === 'failed at input');
    assert.deepEqual([run?.runbook, run?.pdb, run?.sourceCdb, run?.targetCdb, run?.executionStatus], ['relocate-pdb', null, 'CDB1', 'CDB2', 'FAILED']);
    const status = await orb(['status', id, '--json']);
    const st = (JSON.parse(status.stdout) as { status: RunbookStatus | null }).status;
    assert.equal(st?.stage, 'failed at input');
    assert.match(st?.reason ?? '', /pdb: must be at most 30 bytes/);
    assert.deepEqual(await workflowTaskFailures(h), [], 'no workflow task failed');

    // An input that cannot even be decoded is refused the same way, instead of failing every workflow task.
    const undecodable = await temporal(o.env.address, [
      'workflow', 'start', '--type', 'relocatePdb', '--task-queue', o.taskQueue, '--workflow-id', `${id}-2`, '--input-meta', 'encoding=binary/evil', '--input', '"x"',
    ]);
    assert.equal(undecodable.code, 0, undecodable.stderr);
    const h2 = o.env.client.workflow.getHandle(`${id}-2`);
    const r2 = await o.result(h2);
    assert.ok(!r2.ok && r2.type === 'InvalidInput', JSON.stringify(r2));
    assert.match(r2.message, /\(input\): could not be decoded \(encoding binary\/evil: Unknown encoding/);
    assert.deepEqual(await workflowTaskFailures(h2), []);
    assert.deepEqual(await o.api.oplog(), [], 'nothing reached the estate');
  });
});
