/**
 * The PDBs a fleet would take, read-only: each source CDB's PDBs (CDB_PDBS / V$PDBS through the CdbPort), those
 * open READ WRITE, by name or LIKE pattern. The seed is never a target.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CdbPort } from './oracle/port';
import { oracleStep } from './oracle-step';
import { FLEET_CHILDREN_MAX } from '../common/fleet-types';
import { likeMatcher, type FleetTarget, type FleetTargetQuery, type FleetTargets } from '../common/fleet-targets';

export function fleetTargetActivities(openPort: (cdb: string) => CdbPort) {
  return {
    async fleetTargets(q: FleetTargetQuery): Promise<FleetTargets> {
      const open: FleetTarget[] = [];
      for (const cdb of q.cdbs) {
        let port: CdbPort;
        try {
          port = openPort(cdb);
        } catch (err) {
          throw ApplicationFailure.nonRetryable(`cannot open CDB ${cdb}: ${(err as Error).message}`, 'EstateConfig');
        }
        const pdbs = await oracleStep(`listing the PDBs of ${cdb}`, () => port.listPdbs());
        for (const p of pdbs) {
          const candidate = p.name !== 'PDB$SEED' && p.status === 'NORMAL' && p.openMode === 'READ WRITE';
          if (candidate) open.push({ cdb, pdb: p.name, sizeBytes: p.totalSizeBytes });
        }
      }
      if (q.pattern !== null) {
        const match = likeMatcher(q.pattern);
        return { targets: open.filter((t) => match(t.pdb)).slice(0, FLEET_CHILDREN_MAX + 1), missing: [], ambiguous: [] };
      }
      const targets: FleetTarget[] = [];
      const missing: string[] = [];
      const ambiguous: string[] = [];
      for (const name of q.pdbs ?? []) {
        const where = open.filter((t) => t.pdb === name);
        if (where.length === 0) missing.push(name);
        else if (where.length > 1) ambiguous.push(`${name} (${where.map((w) => w.cdb).join(', ')})`);
        else targets.push(where[0]!);
      }
      return { targets, missing, ambiguous };
    },
  };
}
