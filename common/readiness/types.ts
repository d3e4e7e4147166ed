/** What a readiness check reads and what it answers. Types only. */
import type { AcchkServiceStats, FailoverSessionCount, OpenMode, ServiceInfo } from '../../activities/oracle/port';
import type { Statement } from '../../activities/oracle/statements';
import type { AttributeChanges, ServiceAttribute } from './attributes';
import type { Profile } from './profiles';

/** What the service is configured for now, by its FAILOVER_TYPE. */
export type Protection = 'AC' | 'TAC' | 'TAF' | 'none';

/** error: not ready; warning: ready, but not what Oracle recommends (or what the sessions show). */
export type Severity = 'error' | 'warning';

export type RuleId =
  | 'default-service'
  | 'failover-type'
  | 'failover-method'
  | 'commit-outcome'
  | 'failover-restore'
  | 'replay-initiation-timeout'
  | 'retention-timeout'
  | 'failover-retries'
  | 'failover-delay'
  | 'session-state'
  | 'fan-notification'
  | 'drain-timeout'
  | 'stop-option'
  | 'sessions-unprotected'
  | 'acchk-protection';

export interface Finding {
  rule: RuleId;
  /** The service attribute it is about (null: sessions, ACCHK, the default service) */
  attribute: ServiceAttribute | null;
  severity: Severity;
  actual: string;
  expected: string;
  /** Why it matters for draining and failover */
  why: string;
  /** What the fix sets for it; absent: nothing a modify can do (advice only) */
  set?: AttributeChanges;
}

/** How the CDB's services change: srvctl on Clusterware / Oracle Restart (-db: DB_UNIQUE_NAME), else DBMS_SERVICE. */
export type Management = { kind: 'srvctl'; db: string } | { kind: 'dbms_service' };

/** One set of attribute changes, rendered for the CDB's way of managing services. */
export interface ServiceChange {
  changes: AttributeChanges;
  /** `srvctl` arguments (no program path): modify service -db <db> -service <svc> -<option> <value> ... */
  srvctl?: string[];
  /** DBMS_SERVICE.MODIFY_SERVICE in the PDB's container, every value bound */
  statement?: Statement;
}

export interface ServiceFix {
  via: 'srvctl' | 'dbms_service';
  apply: ServiceChange;
  /** Restores the attributes `apply` changes to what they were when read */
  undo: ServiceChange & {
    /** Attributes that were not set when read: restored to Oracle's default or "off" value (UNVERIFIED as identical) */
    approximate: ServiceAttribute[];
  };
}

/** The PDB's default service: nothing to modify, applications must connect through another service. */
export interface UseAnotherService {
  via: 'use-another-service';
  why: string;
}

/** A fix orb will not render: a name read from the CDB breaks orb's rules, so it never reaches SQL or srvctl. */
export interface RefusedFix {
  via: 'refused';
  why: string;
}

export interface SessionSummary {
  total: number;
  /** Sessions whose FAILOVER_TYPE is set (not NONE) */
  withFailover: number;
  failedOver: number;
  /** Sessions per FAILOVER_TYPE (NONE for unset) */
  byFailoverType: Record<string, number>;
}

export interface ServiceReadiness {
  pdb: string;
  service: string;
  profile: Profile;
  protection: Protection;
  /** No error finding: the service can be drained for this profile */
  ready: boolean;
  runningOn: string[];
  findings: Finding[];
  /** null: not read */
  sessions: SessionSummary | null;
  /** null: ACCHK has no statistics for the service */
  acchkProtectedCallsPercent: number | null;
  /** null: nothing to change */
  fix: ServiceFix | UseAnotherService | RefusedFix | null;
}

/** What the worker reads of one PDB (activities/readiness.ts). */
export interface PdbReadinessFacts {
  pdb: string;
  openMode: OpenMode | null;
  services: ServiceInfo[];
  sessions: FailoverSessionCount[];
  acchk: AcchkServiceStats[];
}

export interface ReadinessFacts {
  cdb: string;
  management: Management;
  pdbs: PdbReadinessFacts[];
}

export interface ReadinessReport {
  cdb: string;
  profile: Profile;
  management: Management;
  services: ServiceReadiness[];
  /** What could not be judged and why (a PDB that is not open, ...) */
  notes: string[];
  /** Every service judged is ready */
  ready: boolean;
}
