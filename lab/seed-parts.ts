/** Building blocks of the seed estates (lab/seeds.ts, lab/rac/rac-seed.ts). */
import { datafileLayout, guidFor } from './datafiles';
import type { LabCdb, LabPdb, LabService, LabUser } from './model';

/** 2025-03-03T09:00:00Z: where simulated time starts. */
export const SIM_EPOCH_MS = Date.UTC(2025, 2, 3, 9, 0, 0);

export const OPTIONS_19C = [
  { compId: 'CATALOG', status: 'VALID' },
  { compId: 'CATPROC', status: 'VALID' },
  { compId: 'XDB', status: 'VALID' },
  { compId: 'OWM', status: 'VALID' },
  { compId: 'JAVAVM', status: 'VALID' },
  { compId: 'RAC', status: 'OPTION OFF' },
];

const RELOCATE_USER: LabUser = {
  username: 'C##RELOCATE',
  common: true,
  systemPrivileges: ['CREATE SESSION', 'CREATE PLUGGABLE DATABASE'],
  sysoper: true,
};

/** Application Continuity configured as Oracle documents it (ready for AC), FAN and drain included. */
export const AC = (drain: number): Partial<LabService> => ({
  failoverType: 'TRANSACTION',
  failoverRestore: 'LEVEL1',
  failoverRetries: 30,
  failoverDelay: 10,
  commitOutcome: true,
  sessionStateConsistency: 'DYNAMIC',
  replayInitiationTimeout: 900,
  retentionTimeout: 86400,
  drainTimeout: drain,
  stopOption: 'TRANSACTIONAL',
  aqHaNotifications: true,
});

export function service(name: string, attrs: Partial<LabService> = {}): LabService {
  return {
    name,
    networkName: name,
    isDefault: false,
    runningOn: [],
    failoverType: null,
    failoverMethod: null,
    failoverRetries: null,
    failoverDelay: null,
    failoverRestore: null,
    commitOutcome: false,
    sessionStateConsistency: null,
    replayInitiationTimeout: null,
    retentionTimeout: null,
    drainTimeout: null,
    stopOption: null,
    aqHaNotifications: false,
    ...attrs,
  };
}

export function cdb(name: string, over: Partial<LabCdb> = {}): LabCdb {
  const inst = name.toLowerCase();
  return {
    name,
    version: '19.22.0.0.0',
    platformId: 13,
    platformName: 'Linux x86 64-bit',
    endianFormat: 'Little',
    characterSet: 'AL32UTF8',
    ncharCharacterSet: 'AL16UTF16',
    localUndo: true,
    logMode: 'ARCHIVELOG',
    blockSize: 8192,
    options: OPTIONS_19C.map((o) => ({ ...o })),
    dbCreateFileDest: '/u02/oradata',
    keystoreStatus: 'OPEN',
    instances: [{ name: inst, number: 1 }],
    dbLinks: [],
    users: [
      { username: 'SYS', common: true, systemPrivileges: ['CREATE SESSION', 'CREATE PLUGGABLE DATABASE', 'SYSDBA'], sysoper: true },
      { ...RELOCATE_USER, systemPrivileges: [...RELOCATE_USER.systemPrivileges] },
    ],
    pdbs: [],
    ...over,
  };
}

export function link(name: string, toCdb: string): LabCdb['dbLinks'][number] {
  return {
    name,
    username: 'C##RELOCATE',
    host: `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${toCdb.toLowerCase()}.lab)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=${toCdb})))`,
    toCdb,
  };
}

/** A PDB open READ WRITE in `cdb` with its services running on `instances`; its datafiles follow datafileLayout. */
export function openPdb(cdb: LabCdb, name: string, sizeBytes: number, services: LabService[], instances: string[]): LabPdb {
  return {
    name,
    guid: guidFor(`${cdb.name}/${name}`),
    datafiles: datafileLayout(cdb, sizeBytes),
    status: 'NORMAL',
    openMode: 'READ WRITE',
    totalSizeBytes: sizeBytes,
    version: '19.22.0.0.0',
    encryptedTablespaces: [],
    savedState: null,
    services: [service(name, { isDefault: true, runningOn: [...instances] }), ...services.map((s) => ({ ...s, runningOn: [...instances] }))],
    violations: [],
    relocatedFrom: null,
  };
}
