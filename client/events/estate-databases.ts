/**
 * findDatabase from the estate's `autonomousDatabases` section, without depending on its exact
 * shape (the section is being written alongside): an entry is a database name with its
 * settings, either a record `{ NAME: {...} }` or an array of `{ name, ... }`, and every
 * Autonomous Database OCID written anywhere in an entry (the database, its cross-region peers)
 * maps to that entry's name, compared case-insensitively. An estate without the section knows
 * no database: every event is then ignored, and said so in the log.
 */
import { z } from 'zod';
import type { FindDatabase } from './event-handler';

const ADB_OCID = /^ocid1\.autonomousdatabase\./i;

const sectionSchema = z.union([
  z.record(z.string().min(1), z.unknown()),
  z.array(z.looseObject({ name: z.string().min(1) })),
]);

function ocidsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6) return out;
  if (typeof value === 'string' && ADB_OCID.test(value)) out.push(value.toLowerCase());
  else if (Array.isArray(value)) for (const v of value) ocidsIn(v, out, depth + 1);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) ocidsIn(v, out, depth + 1);
  return out;
}

/** OCID (lower case) → database name. */
export function databaseIndex(estate: unknown): Map<string, string> {
  const index = new Map<string, string>();
  const raw = (estate as { autonomousDatabases?: unknown } | null)?.autonomousDatabases;
  const r = sectionSchema.safeParse(raw ?? {});
  if (!r.success) return index;
  const entries: [string, unknown][] = Array.isArray(r.data) ? r.data.map((e) => [e.name, e]) : Object.entries(r.data);
  for (const [name, entry] of entries) for (const ocid of ocidsIn(entry)) if (!index.has(ocid)) index.set(ocid, name);
  return index;
}

export function findDatabaseInEstate(estate: unknown): FindDatabase {
  const index = databaseIndex(estate);
  return (ocid) => {
    const name = index.get(ocid.toLowerCase());
    return name ? { name } : null;
  };
}
