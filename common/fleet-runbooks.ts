/**
 * What a fleet needs to know of each runbook it can run: the child's workflow type, how its input is checked
 * (the runbook's own schema), its workflow id, its search attributes and a one-line target. Adding a runbook
 * to fleets (rolling-maintenance, propagate-wallet) is one entry here and its name in FLEET_RUNBOOK_NAMES.
 * Pure: safe in workflow code, shared by the workflow and `orb plan fleet`.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { parseRelocateInput } from './relocate-input-schema';
import { relocateWorkflowId, type GatePolicy, type RelocatePdbInput } from './runbook-types';
import { OrbAwaitingApproval, OrbPdb, OrbRunbook, OrbSourceCdb, OrbStage, OrbTargetCdb } from './search-attributes';
import type { FleetRunbookName } from './fleet-types';
import type { FieldName } from './validation';

export interface FleetRunbook<I> {
  workflowType: string;
  parse(raw: unknown, name?: FieldName): { ok: true; input: I } | { ok: false; problems: string[] };
  workflowId(input: I): string;
  searchAttributes(input: I): SearchAttributePair[];
  /** "SALES FLEET1 → CDB2 over FLEET1_LINK" */
  target(input: I): string;
  /** The CDB all the children go to, when the runbook has one (the fleet's OrbTargetCdb) */
  targetCdb(input: I): string | null;
  /** Its gates and their policies: what `orb plan fleet` shows */
  gates(input: I): Record<string, GatePolicy | null>;
}

const relocatePdb: FleetRunbook<RelocatePdbInput> = {
  workflowType: 'relocatePdb',
  parse: parseRelocateInput,
  workflowId: (i) => relocateWorkflowId(i.sourceCdb, i.pdb),
  searchAttributes: (i) => [
    { key: OrbRunbook, value: 'relocate-pdb' },
    { key: OrbPdb, value: i.pdb },
    { key: OrbSourceCdb, value: i.sourceCdb },
    { key: OrbTargetCdb, value: i.targetCdb },
    { key: OrbStage, value: 'preflight' },
    { key: OrbAwaitingApproval, value: false },
  ],
  target: (i) => `${i.pdb} ${i.sourceCdb} → ${i.targetCdb} over ${i.dbLink}`,
  targetCdb: (i) => i.targetCdb,
  gates: (i) => ({ copy: i.gates.beforeCopy, cutover: i.gates.cutover, 'drop-tombstone': i.gates.dropTombstone }),
};

export const FLEET_RUNBOOKS: Record<FleetRunbookName, FleetRunbook<any>> = {
  'relocate-pdb': relocatePdb,
};
