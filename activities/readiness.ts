/**
 * What a readiness check reads of a CDB, read-only: its PDBs, their services' attributes
 * (CDB_SERVICES via listServices), the connected sessions' failover settings (GV$SESSION) and
 * ACCHK's statistics, plus how the estate says the CDB's services are managed. The judgement is
 * the workflow's (common/readiness, pure): this activity only reads.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CdbPort, PdbState } from './oracle/port';
import { oracleStep } from './oracle-step';
import type { Management, PdbReadinessFacts, ReadinessFacts } from '../common/readiness';

export interface ReadinessScope {
  cdb: string;
  pdb?: string;
  service?: string;
}

export interface ReadinessSettings {
  /** The estate marks the CDB Clusterware-managed (its services change with srvctl) */
  clusterware?: boolean;
  srvctl?: { db?: string };
}

const isOpen = (p: PdbState) => p.openMode !== null && p.openMode !== 'MOUNTED';
const sameName = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/**
 * srvctl -db takes the DB_UNIQUE_NAME: the estate's srvctl.db (a lab CDB's defaults to its name in lower
 * case, common/srvctl/srvctl-estate.ts); a CDB marked only "clusterware": true uses its estate name.
 */
export function managementOf(cdb: string, s: ReadinessSettings): Management {
  if (!s.clusterware) return { kind: 'dbms_service' };
  return { kind: 'srvctl', db: s.srvctl ? s.srvctl.db ?? cdb.toLowerCase() : cdb };
}

async function pdbsOf(port: CdbPort, scope: ReadinessScope): Promise<PdbState[]> {
  if (scope.pdb === undefined) return oracleStep(`listing the PDBs of ${scope.cdb}`, () => port.listPdbs());
  const one = await oracleStep(`reading PDB ${scope.pdb} in ${scope.cdb}`, () => port.getPdb(scope.pdb!));
  if (!one) throw ApplicationFailure.nonRetryable(`${scope.cdb} has no PDB named ${scope.pdb}`, 'NotFound');
  return [one];
}

async function readPdb(port: CdbPort, cdb: string, p: PdbState, service?: string): Promise<PdbReadinessFacts> {
  const none = { pdb: p.name, openMode: p.openMode, services: [], sessions: [], acchk: [] };
  if (!isOpen(p)) return none;
  const all = await oracleStep(`listing the services of ${p.name} in ${cdb}`, () => port.listServices(p.name));
  const services = service === undefined ? all : all.filter((s) => sameName(s.name, service));
  if (services.length === 0 && service !== undefined) return none;
  const [sessions, acchk] = await oracleStep(`reading the sessions and ACCHK statistics of ${p.name} in ${cdb}`, () =>
    Promise.all([port.countFailoverSessions(p.name), port.getAcchkSummary(p.name)]),
  );
  return { pdb: p.name, openMode: p.openMode, services, sessions, acchk };
}

export function readinessActivities(openPort: (cdb: string) => CdbPort, settingsOf: (cdb: string) => ReadinessSettings) {
  const open = (cdb: string): CdbPort => {
    try {
      return openPort(cdb);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`cannot open CDB ${cdb}: ${(err as Error).message}`, 'EstateConfig');
    }
  };

  return {
    /** Read-only: the facts `orb check readiness` judges. Throws NotFound for a PDB or service the CDB lacks. */
    async readServiceReadiness(scope: ReadinessScope): Promise<ReadinessFacts> {
      const port = open(scope.cdb);
      const management = managementOf(scope.cdb, settingsOf(scope.cdb));
      const pdbs: PdbReadinessFacts[] = [];
      for (const p of await pdbsOf(port, scope)) {
        const facts = await readPdb(port, scope.cdb, p, scope.service);
        if (scope.service === undefined || facts.services.length > 0 || !isOpen(p)) pdbs.push(facts);
      }
      if (scope.service !== undefined && !pdbs.some((p) => p.services.length > 0)) {
        const where = scope.pdb ?? `any open PDB of ${scope.cdb}`;
        throw ApplicationFailure.nonRetryable(`no service ${scope.service} in ${where}`, 'NotFound');
      }
      return { cdb: scope.cdb, management, pdbs };
    },
  };
}
