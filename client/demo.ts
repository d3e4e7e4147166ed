/**
 * `orb demo`: a whole relocation on the lab. Starts the run as one user, approves its
 * gates as a second one (the initiator may not approve their own run), prints progress,
 * the final status and the lab's view of the estate (where the PDB is open, invariants).
 */
import type { Client } from '@temporalio/client';
import type { EstateConfig } from '../common/estate-config';
import { InputError } from '../common/input-error';
import type { RunbookStatus } from '../common/runbook-types';
import { buildRelocateInput, userName } from './relocate-input';
import { requireCdb } from '../common/estate-config';
import { pdbName } from '../common/identifiers';
import { parseDuration } from '../common/duration';
import { EXIT, UnreachableError, errorMessage } from './errors';
import { type TemporalSettings, workflowUiUrl } from './connection';
import { getRunStatus, hasWorkerPolling, relocateSummary, sendDecision, startRelocation, waitForRun } from './runbooks';
import { progressLine, renderStatus, table } from './render';
import { setTimeout as delay } from 'node:timers/promises';

interface LabPdbView {
  name: string;
  status: string;
  openMode: string | null;
  services?: { name: string; runningOn: string[] }[];
}
interface LabEstateView {
  cdbs: { name: string; pdbs: LabPdbView[] }[];
}
interface Invariants {
  ok: boolean;
  violations: { rule: string; detail: string }[];
}

export async function labGet<T>(labUrl: string, p: string, timeoutMs = 5000): Promise<T> {
  const url = `${labUrl.replace(/\/+$/, '')}${p}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new UnreachableError(`the lab is not answering at ${labUrl} (${errorMessage(err)}): start it with \`orb dev\` (or \`orb lab\`), or set ORB_LAB_URL`);
  }
  if (!res.ok) throw new UnreachableError(`the lab at ${labUrl} answered ${res.status} to GET ${p}: ${await res.text().catch(() => '')}`);
  return (await res.json()) as T;
}

/** CDBs where the PDB is open READ WRITE, according to the lab. */
export function openIn(view: LabEstateView, pdb: string): string[] {
  return view.cdbs.filter((c) => c.pdbs.some((p) => p.name.toUpperCase() === pdb.toUpperCase() && p.openMode === 'READ WRITE')).map((c) => c.name);
}

export function renderLabView(view: LabEstateView, pdb: string): string {
  const rows: string[][] = [];
  for (const c of view.cdbs) {
    for (const p of c.pdbs) {
      if (p.name.toUpperCase() !== pdb.toUpperCase()) continue;
      const running = (p.services ?? []).filter((s) => s.runningOn.length > 0).map((s) => s.name);
      rows.push([c.name, p.name, p.status, p.openMode ?? '-', running.join(', ') || '-']);
    }
  }
  if (!rows.length) return `  ${pdb} is in no CDB of the lab`;
  return table(['CDB', 'PDB', 'STATUS', 'OPEN MODE', 'SERVICES RUNNING'], rows);
}

export interface DemoOptions {
  pdb: string;
  from?: string;
  to?: string;
  availability?: string;
  drainTimeout: string;
  initiator: string;
  approver?: string;
  json: boolean;
}

/** Gates the demo approves itself; operator gates (drain-timeout, recover-*) are left to a person. */
const DEMO_GATES = new Set(['copy', 'cutover', 'drop-tombstone']);

export async function runDemo(
  o: DemoOptions,
  estate: EstateConfig,
  connect: () => Promise<{ client: Client; settings: TemporalSettings }>,
  taskQueue: string,
  out: (l: string) => void,
): Promise<number> {
  const lab = Object.values(estate.cdbs).every((c) => c.adapter === 'lab');
  if (!lab) throw new InputError('--estate', 'orb demo runs on the lab only: the estate has CDBs with adapter "oracledb"');
  const labUrl = estate.lab.url;

  // Validate what can be validated before contacting anything.
  const pdb = pdbName('--pdb', o.pdb);
  if (o.from !== undefined) requireCdb(estate, '--from', o.from);
  if (o.to !== undefined) requireCdb(estate, '--to', o.to);
  parseDuration('--drain-timeout', o.drainTimeout);
  userName('--as', o.initiator);

  await labGet(labUrl, '/health');
  let before = await labGet<LabEstateView>(labUrl, '/estate');
  let from = o.from;
  let to = o.to;
  if (!from) {
    // Relocate the PDB from wherever it is now (a second demo moves it back).
    const where = openIn(before, pdb);
    if (where.length !== 1) throw new InputError('--from', `${pdb} is open READ WRITE in ${where.length ? where.join(' and ') : 'no CDB'} of the lab; name the source CDB`);
    from = where[0]!;
  }
  if (!to) {
    const other = Object.keys(estate.cdbs).find((c) => c.toUpperCase() !== from!.toUpperCase() && estate.cdbs[c]!.dbLinks[from!.toUpperCase()] !== undefined);
    if (!other) throw new InputError('--to', `no CDB in the estate has a database link to ${from}; name the target CDB`);
    to = other;
  }
  const input = buildRelocateInput(
    { pdb: o.pdb, from, to, availability: o.availability, drainTimeout: o.drainTimeout, onDrainTimeout: 'disconnect', startedBy: o.initiator },
    estate,
  );

  const { client, settings } = await connect();
  for (let i = 0; !(await hasWorkerPolling(client, settings, taskQueue)); i++) {
    if (i === 0) out(`waiting for a worker on task queue ${taskQueue} (start one with \`orb worker\`, or run \`orb dev\`)...`);
    if (i >= 30) throw new UnreachableError(`no worker is polling task queue ${taskQueue} in namespace ${settings.namespace}: start \`orb worker\` (or \`orb dev\`)`);
    await delay(500);
  }

  out(`== orb demo: ${relocateSummary(input)}, started by ${input.startedBy}`);
  out('Lab before:');
  out(renderLabView(before, input.pdb));
  const { workflowId } = await startRelocation(client, settings, input, taskQueue);
  out(`started ${workflowId}`);
  out(`  web UI: ${workflowUiUrl(settings.namespace, workflowId)}`);

  let prev: RunbookStatus | null = null;
  const decided = new Set<string>();
  const final = await waitForRun(client, settings, workflowId, async (r) => {
    const s = r.status;
    if (!s) return;
    const line = progressLine(prev, s);
    if (line) out(`  ${new Date().toISOString().slice(11, 19)}  ${line}`);
    prev = s;
    const gate = s.openGate;
    if (!gate) return;
    const key = `${gate.name}@${gate.openedAt}`;
    if (decided.has(key)) return;
    decided.add(key);
    if (!DEMO_GATES.has(gate.name)) {
      out(`  gate "${gate.name}" needs a person: ${gate.question}`);
      out(`    orb approve ${workflowId} --gate ${gate.name} --by <name>   |   orb reject ${workflowId} --gate ${gate.name} --by <name>`);
      return;
    }
    const eligible = gate.approvers.filter((a) => a !== s.startedBy && !gate.approvedBy.includes(a));
    const by = o.approver && eligible.includes(o.approver) ? o.approver : eligible.includes('bob') ? 'bob' : eligible[0];
    if (!by) {
      out(`  gate "${gate.name}": no approver other than ${s.startedBy} can approve it; approve it yourself with orb approve`);
      return;
    }
    out(`  gate "${gate.name}" is open: ${gate.question}`);
    out(`  approving as ${by} (a second DBA: ${s.startedBy} started the run and may not approve it)`);
    const res = await sendDecision(client, settings, workflowId, 'approve', { gate: gate.name, by, comment: 'approved by orb demo' });
    if (res.record?.refusedBecause) out(`  the gate refused it: ${res.record.refusedBecause}`);
  });

  const after = await getRunStatus(client, settings, workflowId).catch(() => final);
  if (o.json) {
    const view = await labGet<LabEstateView>(labUrl, '/estate');
    const inv = await labGet<Invariants>(labUrl, '/invariants?quiescent=true');
    out(JSON.stringify({ run: after, lab: { openIn: openIn(view, input.pdb), invariants: inv } }, null, 2));
    return after.status?.state === 'completed' && inv.ok ? EXIT.OK : EXIT.RUNBOOK_FAILED;
  }
  out('');
  out(after.status ? renderStatus(after.status, { workflowId, executionStatus: after.executionStatus }) : `${workflowId}: ${after.executionStatus} ${after.failure ?? ''}`);
  before = await labGet<LabEstateView>(labUrl, '/estate');
  const inv = await labGet<Invariants>(labUrl, '/invariants?quiescent=true');
  const where = openIn(before, input.pdb);
  out('');
  out('Lab after:');
  out(renderLabView(before, input.pdb));
  out(`  ${input.pdb} is open READ WRITE in: ${where.join(', ') || 'no CDB'}`);
  out(`  invariants: ${inv.ok ? 'all hold' : 'VIOLATED'}`);
  for (const v of inv.violations) out(`    ${v.rule}: ${v.detail}`);
  const completed = after.status?.state === 'completed';
  const onlyTarget = where.length === 1 && where[0] === input.targetCdb;
  out('');
  if (completed && onlyTarget && inv.ok) {
    out(`demo OK: ${input.pdb} relocated from ${input.sourceCdb} to ${input.targetCdb}, open only there, invariants hold.`);
    return EXIT.OK;
  }
  out(`demo did not complete as expected: run ${after.status?.state ?? after.executionStatus}, ${input.pdb} open in ${where.join(', ') || 'no CDB'}, invariants ${inv.ok ? 'hold' : 'violated'}`);
  return EXIT.RUNBOOK_FAILED;
}
