/**
 * The RAC part of the lab's state (lab/RAC.md): a CDB managed by Oracle Clusterware has a `cluster`
 * (LabCdb.cluster): its nodes, the Clusterware state of each instance, its client connection pools,
 * the FAN events published, the sessions-per-instance series and the outages seen. A service managed
 * by Clusterware carries its srvctl configuration in LabService.crs. Pure JSON, persisted with the estate.
 */

export type RacInstanceState = 'running' | 'stopping' | 'stopped' | 'starting';

/** One instance of the cluster database as Clusterware sees it (`srvctl status instance`). */
export interface LabRacInstance {
  /** Same name as in LabCdb.instances */
  name: string;
  node: string;
  state: RacInstanceState;
  /** `srvctl disable instance` clears it: Clusterware neither starts nor restarts the instance */
  enabled: boolean;
  /** Simulated time a stop (drain, then shutdown) or a start under way ends (null when running or stopped) */
  changeAtMs: number | null;
}

/** srvctl's configuration of a service (`srvctl config service`), and Clusterware's targets for it. */
export interface LabCrsService {
  preferred: string[];
  available: string[];
  /** `srvctl disable service` without -instance */
  enabled: boolean;
  /** `srvctl disable service -instance`: instances where it is individually disabled */
  disabledOn: string[];
  /** Clusterware's target ONLINE: instances it is meant to run on (an instance start brings it back there) */
  targetOn: string[];
  /** Stopped on every instance by a `srvctl stop service` naming no instance: not an outage */
  fullStop: boolean;
  managementPolicy: 'AUTOMATIC' | 'MANUAL';
}

/** A client connection pool (UCP / Active GridLink) of one service: its connections are LabSessions with `pool`. */
export interface LabPool {
  name: string;
  pdb: string;
  service: string;
  /** Connections the pool keeps open */
  size: number;
  /** Share of the connections borrowed by the application at any moment (0..1) */
  busyFraction: number;
  /** Simulated time of the next rebalancing step (one connection moved), null when balanced */
  rebalanceAtMs: number | null;
}

export type FanEventType = 'SERVICEMEMBER' | 'INSTANCE';

/** A FAN event the cluster published (ONS), as pools receive it. */
export interface LabFanEvent {
  seq: number;
  atMs: number;
  type: FanEventType;
  /** Service name (SERVICEMEMBER only) */
  service: string | null;
  instance: string;
  node: string;
  status: 'up' | 'down';
  reason: 'USER' | 'FAILURE';
  /** drain_timeout carried by a planned DOWN (seconds) */
  drainTimeout: number | null;
}

/** One point of the sessions-per-instance series: counts per instance (LabCluster.instances order), per service. */
export interface LabSeriesPoint {
  t: number;
  by: number[];
  services: Record<string, number[]>;
}

/** A span of time during which a service with preferred instances ran on no instance (not after a full stop). */
export interface LabOutage {
  service: string;
  fromMs: number;
  toMs: number | null;
}

export interface LabCluster {
  /** DB_UNIQUE_NAME, what srvctl's -db names (lower case, as created) */
  dbUniqueName: string;
  oracleHome: string;
  gridHome: string;
  nodes: string[];
  instances: LabRacInstance[];
  pools: LabPool[];
  fan: LabFanEvent[];
  nextFanSeq: number;
  series: LabSeriesPoint[];
  outages: LabOutage[];
}

/** Settings of the RAC simulation (LabSettings.rac). */
export interface LabRacSettings {
  /** Simulated seconds a SHUTDOWN of one instance takes */
  instanceStopSec: number;
  /** Simulated seconds a STARTUP of one instance takes */
  instanceStartSec: number;
  /** Simulated seconds between two connections a pool moves while rebalancing onto an instance */
  poolRebalanceStepSec: number;
}

export const FAN_KEPT = 1000;
export const SERIES_KEPT = 1000;
export const OUTAGES_KEPT = 200;
