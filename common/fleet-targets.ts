/**
 * Which PDBs a fleet takes: named ones (--pdbs) or those matching a LIKE pattern (--pattern 'FL%'), looked up
 * in the source CDBs by a worker (activities/fleet-targets.ts). Pure: shared by the client, the lookup
 * workflow and the activity.
 */
import { z } from 'zod';
import { cdbNameSchema, pdbNameSchema } from './identifiers';
import { FLEET_CHILDREN_MAX } from './fleet-types';

/** SQL LIKE over PDB names: letters, digits, _ $ # and the wildcards % and _; at most 128 characters. */
export const likePatternSchema = z
  .string({ error: 'must be a LIKE pattern (a string)' })
  .regex(
    /^[A-Za-z0-9_$#%]{1,128}$/,
    "must be a LIKE pattern over PDB names: letters, digits, _ $ # and % (e.g. 'FL%'), at most 128 characters",
  );

export const fleetTargetQuerySchema = z
  .strictObject({
    cdbs: z.array(cdbNameSchema).min(1, 'must name at least one CDB').max(100, 'must name at most 100 CDBs'),
    pdbs: z.array(pdbNameSchema).min(1).max(FLEET_CHILDREN_MAX).nullable(),
    pattern: likePatternSchema.nullable(),
  })
  .refine((q) => (q.pdbs === null) !== (q.pattern === null), { message: 'give either pdbs or pattern', path: ['pdbs'] });

export type FleetTargetQuery = z.infer<typeof fleetTargetQuerySchema>;

export interface FleetTarget {
  cdb: string;
  pdb: string;
  sizeBytes: number | null;
}

export interface FleetTargets {
  targets: FleetTarget[];
  /** Named PDBs no source CDB holds open READ WRITE */
  missing: string[];
  /** Named PDBs open in more than one source CDB: "SALES (CDB1, CDB3)" */
  ambiguous: string[];
}

/** LIKE as Oracle reads it (% any run, _ one character), case-insensitive as PDB names are upper case. */
export function likeMatcher(pattern: string): (name: string) => boolean {
  const re = new RegExp(`^${pattern.replace(/[$#]/g, (c) => `\\${c}`).replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');
  return (name) => re.test(name);
}
