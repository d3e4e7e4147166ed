/**
 * The input of the propagate-wallet runbook when an OCI event starts it (`orb events`), shared by
 * the client that starts it and the workflow that accepts it. One event starts at most one run:
 * the workflow id is `propagate-wallet:event:<eventID>` (started with REJECT_DUPLICATE).
 */
export const PROPAGATE_WALLET_RUNBOOK = 'propagate-wallet';
export const PROPAGATE_WALLET_WORKFLOW_TYPE = 'propagateWallet';
/** The runbooks that change a database's roles and then propagate its wallet themselves. */
export const ADB_ROLE_CHANGE_WORKFLOW_TYPES = ['switchoverAdb', 'failoverAdb'] as const;
/** Who a run started by `orb events` is started by (a user name: letters, digits, . _ @ -). */
export const EVENTS_STARTED_BY = 'orb-events';

/** What made the run start: an OCI event about an Autonomous Data Guard role change that finished. */
export interface PropagateWalletEventTrigger {
  kind: 'event';
  /** The event's eventID (OCI Events) */
  eventId: string;
  /** e.g. com.oraclecloud.databaseservice.switchoverautonomousdatabase.end */
  eventType: string;
  /** The event's eventTime (ISO 8601) */
  eventTime: string;
}

export function propagateWalletEventWorkflowId(eventId: string): string {
  return `${PROPAGATE_WALLET_RUNBOOK}:event:${eventId}`;
}
