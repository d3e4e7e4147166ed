/**
 * Datafiles of simulated PDBs: a layout from a PDB's size, GUIDs and OMF-style paths
 * (<DB_CREATE_FILE_DEST>/<DB_UNIQUE_NAME>/<PDB GUID>/datafile/o1_mf_<tablespace>_<id>_.dbf,
 * the form Oracle Managed Files gives on a file system).
 */
import { createHash } from 'node:crypto';
import type { LabCdb, LabDatafile } from './model';

/** Share of a PDB's size in SYSTEM, SYSAUX and UNDOTBS1; USERS gets the rest in USERS_FILES files. */
const SMALL_SHARE = 0.1;
const USERS_FILES = 4;

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** A PDB's GUID (CDB_PDBS.GUID, RAW(16) shown as 32 hex digits), stable for a seed name. */
export function guidFor(seed: string): string {
  return hex(`guid:${seed}`, 32).toUpperCase();
}

/** Sizes rounded down to whole blocks; the last file takes what rounding left, so they add up to `sizeBytes`. */
function split(sizeBytes: number, blockSize: number): { tablespace: string; bytes: number }[] {
  const round = (n: number) => Math.floor(n / blockSize) * blockSize;
  const small = round(sizeBytes * SMALL_SHARE);
  const users = round((sizeBytes - 3 * small) / USERS_FILES);
  const files = [
    { tablespace: 'SYSTEM', bytes: small },
    { tablespace: 'SYSAUX', bytes: small },
    { tablespace: 'UNDOTBS1', bytes: small },
    ...Array.from({ length: USERS_FILES }, () => ({ tablespace: 'USERS', bytes: users })),
  ];
  files[files.length - 1]!.bytes += sizeBytes - files.reduce((n, f) => n + f.bytes, 0);
  return files.filter((f) => f.bytes > 0);
}

/** The next free datafile numbers in a CDB (FILE# is unique in the whole CDB). */
function nextFileNo(cdb: LabCdb): number {
  return Math.max(4, ...cdb.pdbs.flatMap((p) => p.datafiles.map((f) => f.fileNo))) + 1;
}

/** Datafiles for a new PDB of `sizeBytes` in `cdb`: SYSTEM, SYSAUX, UNDOTBS1, then USERS files. */
export function datafileLayout(cdb: LabCdb, sizeBytes: number): LabDatafile[] {
  const first = nextFileNo(cdb);
  return split(sizeBytes, cdb.blockSize).map((f, i) => ({ fileNo: first + i, ...f }));
}

/** Fresh numbers in `cdb` for copies of `files` (a PDB plugged into another CDB gets new FILE#s). */
export function renumber(cdb: LabCdb, files: LabDatafile[]): LabDatafile[] {
  const first = nextFileNo(cdb);
  return files.map((f, i) => ({ ...f, fileNo: first + i }));
}

/** The OMF path of a datafile of the PDB `guid` in `cdb`. */
export function datafilePath(cdb: string, guid: string, file: LabDatafile): string {
  if (file.path) return file.path;
  const id = `${file.fileNo}${hex(`${cdb}/${guid}/${file.fileNo}`, 6)}`;
  return `/u02/oradata/${cdb.toUpperCase()}/${guid}/datafile/o1_mf_${file.tablespace.toLowerCase()}_${id}_.dbf`;
}
