/**
 * What `orb events` does with one OCI event, whichever way it arrived (Notifications or
 * Streaming): a role change that finished on a database the estate knows starts the
 * propagate-wallet runbook, once per event id; everything else is logged and ignored. One JSON
 * log line per event: eventId, eventType, resourceId, decision.
 */
import type { Logger } from 'pino';
import type { OciEventFacts } from '../../common/oci-event-schema';
import { SeenEvents } from './seen-events';

export type FindDatabase = (ocid: string) => { name: string } | null;

export interface PropagationRequest {
  database: string;
  eventId: string;
  eventType: string;
  eventTime: string;
}

/**
 * Starts the run for an event, or names the run already doing it: `roleChangeRun` when an orb switchover or
 * failover of the database is running (it propagates the wallet itself; the event is most likely its own).
 */
export type StartPropagation = (r: PropagationRequest) => Promise<{ workflowId: string; started: boolean; roleChangeRun?: boolean }>;

export type Decision = 'started' | 'duplicate' | 'ignored-unknown-database' | 'ignored-event-type' | 'ignored-orb-role-change';

export type EventHandler = (event: OciEventFacts, via: 'notifications' | 'stream') => Promise<Decision>;

export interface EventHandlerDeps {
  findDatabase: FindDatabase;
  startPropagation: StartPropagation;
  logger: Logger;
  seen?: SeenEvents<Decision>;
}

/**
 * What a repeat of an event decides: `duplicate` when the first delivery started the run (or found
 * it started), the same ignore as the first otherwise (a repeat of an ignored event is no run).
 */
const repeatOf = (first: Decision): Decision => (first.startsWith('ignored-') ? first : 'duplicate');

/** The handler; it throws only when the runbook could not be started (the caller answers so the event comes again). */
export function createEventHandler(deps: EventHandlerDeps): EventHandler {
  const seen = deps.seen ?? new SeenEvents<Decision>();
  const inFlight = new Map<string, Promise<Decision>>();
  return async (event, via) => {
    const fields = { eventId: event.eventId, eventType: event.eventType, resourceId: event.resourceId, via };
    if (event.kind !== 'role-change-finished') {
      const why = event.kind === 'role-change-begun' ? 'a role change began; orb acts when it ends' : 'not a role-change event';
      deps.logger.info({ ...fields, eventName: event.eventName, decision: 'ignored-event-type' }, `event ignored: ${why}`);
      return 'ignored-event-type';
    }
    const first = seen.get(event.eventId);
    if (first !== undefined) {
      const decision = repeatOf(first);
      deps.logger.info({ ...fields, decision, seenHere: true }, `event already handled (repeat delivery)${decision === first ? `: ${first} again` : ''}`);
      return decision;
    }
    const running = inFlight.get(event.eventId);
    if (running) return running.then(repeatOf);
    const p = start(deps, event, fields, seen).finally(() => inFlight.delete(event.eventId));
    inFlight.set(event.eventId, p);
    return p;
  };
}

async function start(
  deps: EventHandlerDeps,
  event: OciEventFacts,
  fields: Record<string, unknown>,
  seen: SeenEvents<Decision>,
): Promise<Decision> {
  const db = event.resourceId ? deps.findDatabase(event.resourceId) : null;
  if (!db) {
    deps.logger.info(
      { ...fields, resourceName: event.resourceName, decision: 'ignored-unknown-database' },
      'event ignored: the estate has no Autonomous Database with this OCID',
    );
    seen.add(event.eventId, 'ignored-unknown-database');
    return 'ignored-unknown-database';
  }
  const { eventId, eventType, eventTime } = event;
  const r = await deps.startPropagation({ database: db.name, eventId, eventType, eventTime });
  const decision: Decision = r.roleChangeRun ? 'ignored-orb-role-change' : r.started ? 'started' : 'duplicate';
  seen.add(event.eventId, decision);
  const message = r.roleChangeRun
    ? `event ignored: orb run ${r.workflowId} is changing ${db.name}'s roles and propagates the wallet itself`
    : r.started ? 'propagate-wallet started' : 'propagate-wallet already started for this event';
  deps.logger.info({ ...fields, database: db.name, workflowId: r.workflowId, decision }, message);
  return decision;
}
