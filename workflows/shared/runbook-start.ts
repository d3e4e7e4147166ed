import { ApplicationFailure, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { userNameSchema } from '../../common/identifiers';
import { OrbDatabase, OrbPdb, OrbRunbook, OrbSourceCdb, OrbTargetCdb } from '../../common/search-attributes';
import { RunbookJournal } from './runbook-journal';

/** What identifies a run in Temporal's visibility (`orb list`, the Web UI's queries), each when known. */
export interface RunbookIdentity {
  pdb?: string;
  sourceCdb?: string;
  targetCdb?: string;
  database?: string;
}

const IDENTITY_KEYS = [
  ['pdb', OrbPdb],
  ['sourceCdb', OrbSourceCdb],
  ['targetCdb', OrbTargetCdb],
  ['database', OrbDatabase],
] as const;

/**
 * Sets the run's identity search attributes from its own input, whoever started it: a run
 * started with `temporal workflow start` or the Web UI is listed by `orb list` like one `orb
 * start` started. Values already set (by `orb start`) are not set again; one the input does
 * not back (a sender's own --search-attribute) is replaced or removed.
 */
function identify(runbook: string, identity: RunbookIdentity): void {
  const current = workflowInfo().typedSearchAttributes;
  const updates: SearchAttributeUpdatePair[] = [];
  if (current.get(OrbRunbook) !== runbook) updates.push({ key: OrbRunbook, value: runbook });
  for (const [field, key] of IDENTITY_KEYS) {
    const want = identity[field] ?? null;
    if ((current.get(key) ?? null) !== want) updates.push({ key, value: want });
  }
  if (updates.length) upsertSearchAttributes(updates);
}

export type ParsedInput<T> = { ok: true; input: T } | { ok: false; problems: string[] };

/**
 * The start of every runbook: its identity search attributes, then its input, checked by the
 * runbook's schema (parsed). A malformed input ends the run at once with an InvalidInput
 * failure naming each field and rule; the run stays findable (OrbRunbook, and whichever
 * identity fields were valid) with the stage "failed at input" and a status saying why.
 */
export function startRunbook<T extends { startedBy: string }>(
  runbook: string,
  raw: unknown,
  parsed: ParsedInput<T>,
  identity: RunbookIdentity,
): { input: T; journal: RunbookJournal } {
  identify(runbook, identity);
  if (parsed.ok) return { input: parsed.input, journal: new RunbookJournal(runbook, parsed.input.startedBy) };
  const by = userNameSchema.safeParse((raw as { startedBy?: unknown } | null)?.startedBy);
  const journal = new RunbookJournal(runbook, by.success ? by.data : '(unknown)');
  const reason = `invalid ${runbook} input, nothing was done: ${parsed.problems.join('; ')}`;
  journal.begin('input');
  journal.end('failed', parsed.problems.join('; '));
  journal.finish('failed', reason);
  throw ApplicationFailure.nonRetryable(reason, 'InvalidInput', journal.status);
}
