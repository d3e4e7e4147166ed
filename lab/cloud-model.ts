/**
 * The lab's cloud estate (issue 6): Autonomous Databases with Autonomous Data Guard, OCI work
 * requests, wallets, Vault secrets, Oracle Integration instances, and the OCI events a role change
 * emits. Pure data, kept in `LabState.cloud` and persisted with the rest of the estate.
 *
 * The lab serves this through OCI's own REST paths (lab/oci/*), so orb's real SDK clients run
 * against it with `client.endpoint = <lab url>/oci/<region>`, and through Oracle Integration's
 * connections REST API (lab/oic/*). Field names follow the OCI models where one exists.
 */

export type AdbRole = 'PRIMARY' | 'STANDBY' | 'DISABLED_STANDBY' | 'SNAPSHOT_STANDBY' | 'BACKUP_COPY';
export type AdbLifecycleState =
  | 'PROVISIONING' | 'AVAILABLE' | 'STOPPING' | 'STOPPED' | 'STARTING' | 'TERMINATING' | 'TERMINATED'
  | 'UNAVAILABLE' | 'UPDATING' | 'ROLE_CHANGE_IN_PROGRESS' | 'STANDBY';

/** Summary of a local (same-region) standby, as `autonomousDatabase.localStandbyDb` shows it. */
export interface LabLocalStandby {
  lagTimeInSeconds: number;
  lifecycleState: AdbLifecycleState;
  /** ISO */
  timeDataGuardRoleChanged: string | null;
}

/**
 * One Autonomous Database resource (one OCID, one region). A cross-region Autonomous Data Guard pair
 * is two resources that name each other in `peerDbIds`; a local standby lives inside its primary's
 * resource (`localStandby`) and a local role change keeps the OCID.
 */
export interface LabAutonomousDatabase {
  /** ocid1.autonomousdatabase.oc1.<region key>.<unique> */
  id: string;
  compartmentId: string;
  region: string;
  displayName: string;
  /** DB_NAME, e.g. SALESATP */
  dbName: string;
  dbWorkload: 'OLTP' | 'DW' | 'AJD' | 'APEX';
  role: AdbRole;
  lifecycleState: AdbLifecycleState;
  /** Cross-region peers (OCIDs in other regions) */
  peerDbIds: string[];
  localStandby: LabLocalStandby | null;
  /** Apply lag of this database as a standby (seconds); what a failover to it may lose */
  lagTimeInSeconds: number;
  /** ISO, or null */
  timeOfLastSwitchover: string | null;
  timeOfLastFailover: string | null;
  /** Host in the connection strings / certificates, e.g. adb.us-ashburn-1.oraclecloud.com */
  host: string;
  /** Service name prefix, e.g. abc123_salesatp (services <prefix>_high.adb.oraclecloud.com, ...) */
  servicePrefix: string;
  isMtlsConnectionRequired: boolean;
  /** A role change under way on this database (the work request that runs it) */
  roleChange: { workRequestId: string; kind: 'SWITCHOVER' | 'FAILOVER'; peerDbId: string | null } | null;
  /** Data written on the primary that a failover lost (simulated seconds of lag at failover) */
  lostSecondsAtLastFailover: number | null;
}

export type WorkRequestStatus = 'ACCEPTED' | 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED' | 'CANCELING' | 'CANCELED';

/** An OCI work request (GET /20160918/workRequests/{id}); progress runs with simulated time. */
export interface LabWorkRequest {
  id: string;
  compartmentId: string;
  region: string;
  /** e.g. "Switchover Autonomous Database", "Failover Autonomous Database" */
  operationType: string;
  status: WorkRequestStatus;
  percentComplete: number;
  /** ISO */
  timeAccepted: string;
  timeStarted: string | null;
  timeFinished: string | null;
  resources: { entityType: string; actionType: string; identifier: string; entityUri: string }[];
  errors: { code: string; message: string; timestamp: string }[];
  /** Simulated ms the work takes from start to end */
  durationMs: number;
  startMs: number;
  /** The role change this work request runs (lab/oci/role-change.ts); absent for other work */
  roleChange?: LabRoleChangeWork;
}

/** Lab bookkeeping of a role change under way (lab/oci/role-change.ts). */
export interface LabRoleChangeWork {
  kind: 'SWITCHOVER' | 'FAILOVER';
  /** Oracle-initiated (automatic failover, lab control): critical events instead of begin/end */
  automatic: boolean;
  /** The database the call was made on (the events' resourceId) */
  calledOnId: string;
  primaryId: string;
  /** The cross-region standby taking over; null: the primary's local standby */
  standbyId: string | null;
  /** The primary's lifecycle state when the work began (restored when the work fails) */
  primaryWas: AdbLifecycleState;
  /** An armed roleChangeWork fault: the work request ends FAILED with this error */
  failure: { code: string; message: string; faultId: number } | null;
}

/** A retry token already used (OCI keeps them 24 hours): same token + same request → the first answer. */
export interface LabRetryToken {
  token: string;
  /** METHOD path */
  request: string;
  /** sha256 of the request body */
  bodySha256: string;
  status: number;
  response: unknown;
  headers: Record<string, string>;
  atMs: number;
}

/**
 * A wallet the lab generated (generateAutonomousDatabaseWallet). The zip holds an ewallet.pem whose
 * X.509 certificate names the database that was primary when it was generated; the lab knows every
 * wallet it made by the zip's sha256 and by the certificate's sha256 fingerprint.
 */
export interface LabWallet {
  /** sha256 (hex) of the zip's bytes */
  zipSha256: string;
  /** sha256 (hex) of the certificate in ewallet.pem (X509Certificate.fingerprint256 without colons, lower case) */
  certSha256: string;
  /** The database resource the wallet identifies (the primary when it was generated) */
  adbId: string;
  dbName: string;
  region: string;
  host: string;
  /** sha256 (hex) of the wallet password it was generated with (the lab never keeps the password) */
  passwordSha256: string;
  generateType: 'SINGLE' | 'ALL';
  /** ISO */
  generatedAt: string;
}

export interface LabSecretVersion {
  versionNumber: number;
  /** base64 */
  content: string;
  stages: ('CURRENT' | 'PENDING' | 'LATEST' | 'PREVIOUS' | 'DEPRECATED')[];
  timeCreated: string;
}

/** An OCI Vault secret (VaultsClient / SecretsClient paths). */
export interface LabVaultSecret {
  id: string;
  compartmentId: string;
  region: string;
  vaultId: string;
  keyId: string;
  secretName: string;
  lifecycleState: 'ACTIVE' | 'UPDATING' | 'PENDING_DELETION';
  versions: LabSecretVersion[];
}

/** A property of an OIC connection (connectionProperties / securityProperties). */
export interface LabOicProperty {
  propertyName: string;
  propertyType: string;
  /** Security properties of type PASSWORD are never returned (the lab keeps null here and their sha256 below) */
  propertyValue: string | null;
  /** PASSWORD properties: sha256 (hex) of the value set, so the lab can check it without keeping it; null: unset */
  valueSha256?: string | null;
}

export interface LabOicConnection {
  /** Connection identifier, e.g. ORDERS_ATP */
  id: string;
  name: string;
  /** e.g. atpdatabase */
  adapterType: string;
  status: 'CONFIGURED' | 'INPROGRESS' | 'INCOMPLETE';
  securityPolicy: string;
  connectionProperties: LabOicProperty[];
  securityProperties: LabOicProperty[];
  /** The uploaded wallet (attachment property WALLET): base64 bytes and the zip's sha256 */
  attachments: Record<string, { fileName: string; content: string; sha256: string }>;
  /** Someone holds the connection open for editing (OIC answers 412/423) */
  lockedBy: string | null;
  lastUpdated: string;
  /** Connectivity agent group (update may set it); absent: none */
  agentGroupId?: string | null;
}

export interface LabOicIntegration {
  /** CODE|VERSION, e.g. ORDERS_SYNC|01.00.0000 */
  id: string;
  code: string;
  version: string;
  name: string;
  status: 'ACTIVATED' | 'CONFIGURED' | 'ACTIVATION_INPROGRESS' | 'FAILEDACTIVATION';
  /** Connection ids this integration uses */
  connections: string[];
  /** What each connection looked like when the integration was last activated: wallet zip sha256 per connection */
  activatedWith: Record<string, string | null>;
  lastActivated: string | null;
}

/** One Oracle Integration instance (Gen2 or Gen3 addressing; auth Basic or OAuth client credentials). */
export interface LabOicInstance {
  /** integrationInstance name (Gen3 query parameter) */
  name: string;
  region: string;
  connections: LabOicConnection[];
  integrations: LabOicIntegration[];
}

/** An OCI event (CloudEvents 0.1 envelope as OCI Events sends it), kept for streaming and notifications. */
export interface LabOciEvent {
  /** Position in the lab's event stream (the Streaming offset) */
  offset: number;
  envelope: {
    eventType: string;
    cloudEventsVersion: '0.1';
    eventTypeVersion: '2.0';
    source: 'databaseservice';
    eventTime: string;
    contentType: 'application/json';
    eventID: string;
    extensions: { compartmentId: string };
    data: {
      compartmentId: string;
      compartmentName: string;
      resourceName: string;
      resourceId: string;
      availabilityDomain: string;
      additionalDetails: Record<string, string>;
    };
  };
}

/** An HTTPS subscription of the lab's Notifications topic (the lab POSTs events to it). */
export interface LabNotificationSubscription {
  id: string;
  endpoint: string;
  lifecycleState: 'PENDING' | 'ACTIVE';
  /** Confirmation token the confirmation URL carries */
  token: string;
  /** Offset of the next event to deliver */
  nextOffset: number;
  /** Lab setting (lab/events): POST every event twice, so receivers' deduplication is exercised */
  deliverTwice?: boolean;
  /** Offset of the first event published after the subscription became ACTIVE */
  activeFrom?: number;
  /** Offsets queued for delivery again (POST /events/subscriptions/{id}/redeliver) */
  redeliver?: number[];
}

/** A Streaming consumer group on the lab's event stream (lab/events/streaming.ts). */
export interface LabStreamGroup {
  streamId: string;
  groupName: string;
  /** Offset of the next message the group has not committed */
  committedOffset: number;
}

/**
 * A fault armed on a cloud call (POST /faults with `service`): the call answers `status` with OCI's
 * error body `{ code, message }` (OIC: its own error body), before or after the change is made.
 */
export interface LabCloudFault {
  id: number;
  service: 'oci' | 'oic';
  /** The SDK operation (e.g. switchoverAutonomousDatabase, getWorkRequest, updateSecret) or OIC operation
   * (getConnection, updateConnection, uploadAttachment, testConnection, listIntegrations, reactivateIntegrations) */
  op: string;
  /** OCID, connection id or integration id the call names; null: any */
  target: string | null;
  kind: 'transient' | 'permanent';
  status: number;
  code: string;
  remaining: number | null;
  /** before: nothing changes; after: the change is made and the answer lost */
  when: 'before' | 'after';
  fired: number;
}

export interface LabCloud {
  tenancyId: string;
  faults: LabCloudFault[];
  autonomousDatabases: LabAutonomousDatabase[];
  workRequests: LabWorkRequest[];
  retryTokens: LabRetryToken[];
  wallets: LabWallet[];
  secrets: LabVaultSecret[];
  oic: LabOicInstance[];
  events: LabOciEvent[];
  subscriptions: LabNotificationSubscription[];
  /** The seed's wallet zip (base64), for seeds of other consumers (lab/oci/cloud-seed.ts seedWalletOf) */
  seedWalletZip?: string;
  /** TNS_ADMIN directories the lab wrote on disk (lab/oci/tns-admin.ts), checked by the wallet invariant */
  tnsAdminDirs?: { path: string; adbId: string }[];
  /** Streaming consumer groups (added with lab/events; absent in older state files) */
  streamGroups?: LabStreamGroup[];
}

export function emptyCloud(): LabCloud {
  return {
    tenancyId: 'ocid1.tenancy.oc1..aaaaaaaalab',
    faults: [],
    autonomousDatabases: [],
    workRequests: [],
    retryTokens: [],
    wallets: [],
    secrets: [],
    oic: [],
    events: [],
    subscriptions: [],
  };
}

/** First armed cloud fault matching the call; consumes one firing. */
export function takeCloudFault(cloud: LabCloud, service: 'oci' | 'oic', op: string, target: string | null): LabCloudFault | null {
  const fault = cloud.faults.find(
    (f) =>
      (f.remaining === null || f.remaining > 0) &&
      f.service === service &&
      f.op === op &&
      (f.target === null || (target !== null && f.target.toLowerCase() === target.toLowerCase())),
  );
  if (!fault) return null;
  if (fault.remaining !== null) fault.remaining -= 1;
  fault.fired += 1;
  return fault;
}

/** Work under way that simulated time must move on its own (the lab's ticker runs while this is true). */
export function cloudBusy(cloud: LabCloud): boolean {
  return cloud.workRequests.some((w) => w.status === 'ACCEPTED' || w.status === 'IN_PROGRESS' || w.status === 'CANCELING');
}

/** Appends an OCI event to the lab's event stream (Streaming and Notifications deliver from there). */
export function appendOciEvent(cloud: LabCloud, envelope: LabOciEvent['envelope']): LabOciEvent {
  const offset = cloud.events.length === 0 ? 0 : cloud.events[cloud.events.length - 1]!.offset + 1;
  const event = { offset, envelope };
  cloud.events.push(event);
  return event;
}
