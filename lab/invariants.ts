/**
 * Safety rules the lab checks on demand (GET /invariants):
 *  - pdb-open-rw-in-two-cdbs: a PDB name open READ WRITE in more than one CDB;
 *  - service-running-on-closed-pdb: a service running where its PDB is not open;
 * with quiescent (no runbook running):
 *  - relocated-pdb-open-nowhere: a PDB that took part in a relocation is not open READ WRITE
 *    in exactly one CDB;
 *  - relocation-debris: a PDB left RELOCATING or UNUSABLE (a relocation neither finished nor cleaned up).
 * and the cloud estate's (lab/oci/cloud-invariants.ts): adg-one-primary, wallet-not-current-primary;
 * and the RAC clusters' (lab/rac/rac-invariants.ts): rac-service-down-everywhere, with quiescent
 * rac-instance-not-running, rac-instance-disabled, rac-service-not-on-preferred, rac-service-disabled.
 */
import { isOpen } from './estate';
import type { LabState } from './model';
import { cloudViolations } from './oci/cloud-invariants';
import { racViolations } from './rac/rac-invariants';

export interface Violation {
  rule: string;
  detail: string;
}

export function checkInvariants(state: LabState, quiescent: boolean): { ok: boolean; violations: Violation[] } {
  const violations: Violation[] = [];
  const openRw = new Map<string, string[]>();
  for (const cdb of state.cdbs) {
    for (const pdb of cdb.pdbs) {
      if (pdb.openMode === 'READ WRITE') openRw.set(pdb.name, [...(openRw.get(pdb.name) ?? []), cdb.name]);
      for (const svc of pdb.services) {
        if (svc.runningOn.length > 0 && !isOpen(pdb)) {
          violations.push({
            rule: 'service-running-on-closed-pdb',
            detail: `service ${svc.name} runs on ${svc.runningOn.join(', ')} but PDB ${pdb.name} in ${cdb.name} is ${pdb.status}/${pdb.openMode ?? 'not in V$PDBS'}`,
          });
        }
      }
      if (quiescent && (pdb.status === 'RELOCATING' || pdb.status === 'UNUSABLE')) {
        violations.push({ rule: 'relocation-debris', detail: `PDB ${pdb.name} in ${cdb.name} is left ${pdb.status}/${pdb.openMode ?? '-'}` });
      }
    }
  }
  for (const [pdb, cdbs] of openRw) {
    if (cdbs.length > 1) violations.push({ rule: 'pdb-open-rw-in-two-cdbs', detail: `PDB ${pdb} is open READ WRITE in ${cdbs.join(' and ')}` });
  }
  if (quiescent) {
    for (const pdb of state.relocatedPdbs) {
      const cdbs = openRw.get(pdb) ?? [];
      if (cdbs.length !== 1) {
        violations.push({
          rule: 'relocated-pdb-open-nowhere',
          detail: cdbs.length === 0 ? `PDB ${pdb} took part in a relocation and is open READ WRITE nowhere` : `PDB ${pdb} is open READ WRITE in ${cdbs.length} CDBs`,
        });
      }
    }
  }
  violations.push(...cloudViolations(state.cloud, quiescent));
  violations.push(...racViolations(state, quiescent));
  return { ok: violations.length === 0, violations };
}
