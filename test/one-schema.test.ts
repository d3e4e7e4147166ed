/**
 * The CLI and the workflow check the same messages with the same rules: a table of values goes
 * through both paths (the CLI turning options into a relocate-pdb input or an approval, the
 * workflow parsing what it was sent) and both must accept it, or both refuse it, the CLI naming
 * the option and the workflow the field. What the CLI builds is what the workflow would make of
 * it (canonical names).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ESTATE, parseEstate, type EstateConfig } from '../common/estate-config';
import { InputError } from '../common/input-error';
import { buildRelocateInput, type RelocateOptions } from '../client/relocate-input';
import { decisionPayload } from '../client/cli';
import { parseRelocateInput } from '../common/relocate-input-schema';
import { parseApproval } from '../common/approval-schema';
import type { RelocatePdbInput } from '../common/runbook-types';

type Outcome = { ok: true; value: unknown } | { ok: false; field: string; message: string };

function cli(opts: RelocateOptions, pick: (i: RelocatePdbInput) => unknown, estate: EstateConfig = DEFAULT_ESTATE): Outcome {
  try {
    return { ok: true, value: pick(buildRelocateInput({ pdb: 'SALES', from: 'CDB1', to: 'CDB2', startedBy: 'alice', ...opts }, estate, {})) };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { ok: false, field: err.field, message: err.message };
  }
}

/** A valid input as orb builds it, then `patch` applied: what a run started around orb receives. */
function workflow(patch: (i: RelocatePdbInput) => void, pick: (i: RelocatePdbInput) => unknown): Outcome {
  const input = structuredClone(buildRelocateInput({ pdb: 'SALES', from: 'CDB1', to: 'CDB2', startedBy: 'alice' }, DEFAULT_ESTATE, {}));
  patch(input);
  const r = parseRelocateInput(input);
  return r.ok ? { ok: true, value: pick(r.input) } : { ok: false, field: r.problems[0]!.split(':')[0]!, message: r.problems.join('; ') };
}

function agree(what: string, c: Outcome, w: Outcome, option: string, field: string): void {
  assert.equal(c.ok, w.ok, `${what}: the CLI ${c.ok ? 'accepts' : `refuses (${!c.ok && c.message})`}, the workflow ${w.ok ? 'accepts' : `refuses (${!w.ok && w.message})`}`);
  if (c.ok && w.ok) assert.deepEqual(c.value, w.value, `${what}: both make the same canonical value`);
  if (!c.ok && !w.ok) {
    assert.equal(c.field, option, `${what}: the CLI names the option`);
    assert.equal(w.field, field, `${what}: the workflow names the field`);
  }
}

const PDB_NAMES = ['SALES', 'sales', 'Sales_2024', 'A'.repeat(30), 'A'.repeat(31), 'É'.repeat(15), 'DROP', 'select', 'SAL$ES', 'SALES#1', 'SALES; DROP', '"SALES"', '', '1SALES', ' SALES', 'SALES\n', 'A\u202eB'];
const USERS = ['alice', ' dave ', 'dave@example.com', 'd'.repeat(64), 'd'.repeat(65), '', '   ', '-bob', 'al ice', 'bob\u0000', 'x; rm -rf /', 'ali\u202ece', 'ålice'];
const LINKS = ['CDB1_LINK', 'cdb1_link.example.com', 'L..X', '.L', 'L.SELECT.COM', 'x@y', `${'A'.repeat(64)}.${'B'.repeat(63)}`, `${'A'.repeat(64)}.${'B'.repeat(64)}`, 'L; DROP'];
const DRAINS: [string, number][] = [['90s', 90_000], ['1ms', 1], ['24h', 86_400_000], ['24h1ms', 86_400_001], ['0s', 0]];

describe('relocate-pdb input: the CLI and the workflow accept and refuse the same values', () => {
  it('PDB names (the PDB rule: reserved words, 30 bytes, letters, digits and _)', () => {
    for (const v of PDB_NAMES) agree(`pdb ${JSON.stringify(v)}`, cli({ pdb: v }, (i) => i.pdb), workflow((i) => (i.pdb = v), (i) => i.pdb), '--pdb', 'pdb');
  });

  it('user names (who started the run)', () => {
    for (const v of USERS) {
      agree(`startedBy ${JSON.stringify(v)}`, cli({ startedBy: v }, (i) => i.startedBy), workflow((i) => (i.startedBy = v), (i) => i.startedBy), '--started-by', 'startedBy');
    }
  });

  it('database link names (dotted identifiers, 128 bytes in all)', () => {
    for (const v of LINKS) agree(`dbLink ${JSON.stringify(v)}`, cli({ dbLink: v }, (i) => i.dbLink), workflow((i) => (i.dbLink = v), (i) => i.dbLink), '--db-link', 'dbLink');
  });

  it('drain timeouts (greater than zero, at most 24h)', () => {
    for (const [text, ms] of DRAINS) {
      agree(`drain ${text}`, cli({ drainTimeout: text }, (i) => i.drain.timeoutMs), workflow((i) => (i.drain.timeoutMs = ms), (i) => i.drain.timeoutMs), '--drain-timeout', 'drain.timeoutMs');
    }
  });

  it('approvers and required approvals (at most 100 names, 1 to 20 approvals)', () => {
    const people = (n: number) => Array.from({ length: n }, (_, k) => `p${k}`);
    const estateWith = (n: number) => parseEstate({ ...DEFAULT_ESTATE, approvers: { groups: { big: people(n) } } });
    for (const n of [1, 100, 101]) {
      const c = cli({ approvers: 'group:big' }, (i) => i.gates.cutover?.approvers, estateWith(n));
      const w = workflow((i) => (i.gates.cutover = { ...i.gates.cutover!, approvers: people(n) }), (i) => i.gates.cutover?.approvers);
      agree(`${n} approvers`, c, w, '--approvers', 'gates.cutover.approvers');
    }
    for (const [text, n] of [['1', 1], ['20', 20], ['21', 21], ['0', 0]] as const) {
      const c = cli({ approvers: 'group:big', requiredApprovals: text }, (i) => i.gates.cutover?.requiredApprovals, estateWith(30));
      const w = workflow((i) => (i.gates.cutover = { ...i.gates.cutover!, approvers: people(30), requiredApprovals: n }), (i) => i.gates.cutover?.requiredApprovals);
      agree(`${text} required approvals`, c, w, '--required-approvals', 'gates.cutover.requiredApprovals');
    }
  });
});

describe('approval signal: orb approve/reject and the workflow accept and refuse the same payloads', () => {
  const GATES = ['cutover', 'recover-open', 'drain-timeout', 'g'.repeat(64), 'g'.repeat(65), 'cut over', '', '-x', 'cutover\n', 'cutöver'];
  const COMMENTS = ['CHG-1234', 'line 1\nline 2\tand a tab', 'x'.repeat(2000), 'x'.repeat(2001), '€'.repeat(2000), 'bell\u0007', 'esc\u001b[31m', 'rtl\u202eevil', 'zero\u200bwidth', 'lone \ud800 surrogate', '😀'.repeat(1000), '😀'.repeat(1001), ''];

  function both(payload: { gate: string; by: string; comment?: string }) {
    let c: Outcome;
    try {
      c = { ok: true, value: decisionPayload(payload) };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      c = { ok: false, field: err.field, message: err.message };
    }
    const p = parseApproval(payload);
    const w: Outcome = p.ok ? { ok: true, value: p.signal } : { ok: false, field: p.problems.split(':')[0]!, message: p.problems };
    return { c, w };
  }

  it('gate names', () => {
    for (const gate of GATES) {
      const { c, w } = both({ gate, by: 'bob' });
      agree(`gate ${JSON.stringify(gate)}`, c, w, '--gate', 'gate');
    }
  });

  it('who decides', () => {
    for (const by of USERS) {
      const { c, w } = both({ gate: 'cutover', by });
      agree(`by ${JSON.stringify(by)}`, c, w, '--by', 'by');
    }
  });

  it('comments (at most 2000 characters; tabs and new lines, no other control or formatting characters)', () => {
    for (const comment of COMMENTS) {
      const { c, w } = both({ gate: 'cutover', by: 'bob', comment });
      agree(`comment ${JSON.stringify(comment.slice(0, 20))}… (${comment.length})`, c, w, '--comment', 'comment');
    }
  });

  it('refusals name the option or the field, and the rule', () => {
    const long = both({ gate: 'cutover', by: 'bob', comment: 'x'.repeat(2001) });
    assert.ok(!long.c.ok && !long.w.ok);
    assert.equal(long.c.message, '--comment: must be at most 2000 characters (got 2001)');
    assert.equal(long.w.message, 'comment: must be at most 2000 characters (got 2001)');
    const bell = both({ gate: 'cutover', by: 'bob', comment: 'bell\u0007' });
    assert.ok(!bell.w.ok);
    assert.match(bell.w.message, /^comment: must not contain control, formatting or unpaired surrogate characters \(found U\+0007 at 4\)$/);
  });
});
