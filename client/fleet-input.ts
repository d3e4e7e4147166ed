/**
 * `orb start fleet relocate-pdb` / `orb plan fleet relocate-pdb` options into a fleet input. Each child's input
 * is what `orb start relocate-pdb` would build for that PDB with the same options (buildRelocateInput); the
 * fleet's own settings are checked by the schema the workflow checks its input with. Every refusal names the
 * option and the rule.
 */
import { randomUUID } from 'node:crypto';
import type { EstateConfig } from '../common/estate-config';
import { requireCdb } from '../common/estate-config';
import { pdbName } from '../common/identifiers';
import { InputError } from '../common/input-error';
import { checked } from '../common/validation';
import { parseFleetInput } from '../common/fleet-input-schema';
import { likePatternSchema, type FleetTargetQuery, type FleetTargets } from '../common/fleet-targets';
import { FLEET_CHILDREN_MAX, FLEET_CONCURRENCY_MAX, type FleetInput } from '../common/fleet-types';
import { buildRelocateInput, defaultStartedBy, gatePoliciesOf, listOf, type RelocateOptions } from './relocate-input';

export interface FleetRelocateOptions extends Omit<RelocateOptions, 'pdb' | 'from'> {
  from?: unknown;
  pdbs?: unknown;
  pattern?: unknown;
  concurrency?: unknown;
  stopAfterFailures?: unknown;
  waveSize?: unknown;
  /** --no-wave-gate sets this to false (on by default when there are waves) */
  waveGate?: boolean;
}

function whole(field: string, value: unknown, min: number, max: number): number {
  const t = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const n = /^\d{1,7}$/.test(t) ? Number(t) : NaN;
  if (!(n >= min && n <= max)) throw new InputError(field, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return n;
}

/**
 * The lookup a worker makes (which PDBs, in which source CDBs), and every option, checked before anything is
 * contacted: the fleet's own settings, and the child options as `orb start relocate-pdb` checks them for a PDB of
 * each source CDB (its link to the target, the drain, the gates).
 */
export function fleetTargetQuery(o: FleetRelocateOptions, estate: EstateConfig, env: NodeJS.ProcessEnv = process.env): FleetTargetQuery {
  fleetSettings(o);
  const cdbs = listOf(o.from).map((c) => requireCdb(estate, '--from', c));
  if (!cdbs.length) throw new InputError('--from', 'is required: the CDB(s) the PDBs are in now, comma-separated');
  const pdbs = listOf(o.pdbs);
  const hasPattern = o.pattern !== undefined;
  if (pdbs.length && hasPattern) throw new InputError('--pattern', 'give either --pdbs or --pattern, not both');
  if (!pdbs.length && !hasPattern) throw new InputError('--pdbs', "is required (or --pattern 'FL%'): the PDBs the fleet relocates");
  if (pdbs.length > FLEET_CHILDREN_MAX) throw new InputError('--pdbs', `must name at most ${FLEET_CHILDREN_MAX} PDBs (split the fleet)`);
  for (const from of new Set(cdbs)) buildRelocateInput({ ...o, pdb: 'ANY_PDB', from }, estate, env);
  return {
    cdbs: [...new Set(cdbs)],
    pdbs: pdbs.length ? [...new Set(pdbs.map((p) => pdbName('--pdbs', p)))] : null,
    pattern: hasPattern ? checked('--pattern', likePatternSchema, o.pattern) : null,
  };
}

/** The fleet input from the options and the PDBs the worker found; refuses what the workflow would refuse. */
export function buildFleetRelocateInput(
  o: FleetRelocateOptions, estate: EstateConfig, found: FleetTargets, env: NodeJS.ProcessEnv = process.env,
): FleetInput {
  const from = listOf(o.from).join(', ');
  if (found.missing.length) throw new InputError('--pdbs', `not open READ WRITE in ${from}: ${found.missing.join(', ')}`);
  if (found.ambiguous.length) {
    throw new InputError('--pdbs', `open in more than one of the source CDBs (name one --from): ${found.ambiguous.join(', ')}`);
  }
  const field = o.pattern !== undefined ? '--pattern' : '--pdbs';
  if (!found.targets.length) throw new InputError(field, `matches no PDB open READ WRITE in ${from}`);
  if (found.targets.length > FLEET_CHILDREN_MAX) throw new InputError(field, `matches more than ${FLEET_CHILDREN_MAX} PDBs (split the fleet)`);
  const children = found.targets.map((t) => buildRelocateInput({ ...o, pdb: t.pdb, from: t.cdb }, estate, env));
  const startedBy = children[0]!.startedBy;
  const { concurrency, stopAfterFailures, waveSize } = fleetSettings(o);
  const waves = waveSize === null || waveSize >= children.length ? null : wavesOf(children.length, waveSize);
  const withGate = waves !== null && o.waveGate !== false;
  const input: FleetInput = {
    runbook: 'relocate-pdb',
    children,
    concurrency,
    waves,
    waveGate: withGate ? gatePoliciesOf(o, estate, startedBy).policy : null,
    stopAfterFailures,
    startedBy,
  };
  const p = parseFleetInput(input);
  if (!p.ok) throw new InputError('fleet', p.problems.join('; '));
  return p.input;
}

function fleetSettings(o: FleetRelocateOptions): { concurrency: number; stopAfterFailures: number; waveSize: number | null } {
  return {
    concurrency: whole('--concurrency', o.concurrency ?? 5, 1, FLEET_CONCURRENCY_MAX),
    stopAfterFailures: whole('--stop-after-failures', o.stopAfterFailures ?? 1, 1, FLEET_CHILDREN_MAX),
    waveSize: o.waveSize === undefined ? null : whole('--wave-size', o.waveSize, 1, FLEET_CHILDREN_MAX),
  };
}

function wavesOf(total: number, size: number): number[] {
  return Array.from({ length: Math.ceil(total / size) }, (_, k) => Math.min(size, total - k * size));
}

export function fleetWorkflowId(runbook: string, target: string): string {
  return `fleet:${runbook}:${target}:${randomUUID().slice(0, 8)}`;
}

export { defaultStartedBy };
