/** What orb reads of a Clusterware-managed database before and during a rolling maintenance (srvctl config/status). */
export interface RacInstanceFacts {
  name: string;
  node: string;
  running: boolean;
}

export interface RacServiceFacts {
  name: string;
  pdb: string | null;
  preferred: string[];
  available: string[];
  /** Instances it runs on now */
  runningOn: string[];
  /** Instances it is disabled on */
  disabledOn: string[];
}

export interface RacFacts {
  /** srvctl's -db (DB_UNIQUE_NAME) */
  db: string;
  instances: RacInstanceFacts[];
  services: RacServiceFacts[];
}

const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
export const includesName = (list: string[], name: string) => list.some((x) => same(x, name));
