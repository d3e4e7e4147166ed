/**
 * The fix of a service that is not ready, and its undo, rendered for the way the CDB manages
 * services: `srvctl modify service` arguments on Clusterware / Oracle Restart, a bound
 * DBMS_SERVICE.MODIFY_SERVICE block otherwise. The undo restores the attributes the fix changes
 * to what they were when read (the client-readiness runbook's compensation).
 * Pure: safe in workflow code.
 */
import type { ServiceInfo } from '../../activities/oracle/port';
import { statements } from '../../activities/oracle/statements';
import {
  checkedValue,
  SERVICE_ATTRIBUTES,
  type AttributeChanges,
  type AttributeValue,
  type ServiceAttribute,
} from './attributes';
import { RECOMMENDED } from './profiles';
import { norm } from './rules';
import { srvctlModifyService } from './srvctl-modify';
import type { Finding, Management, ServiceChange, ServiceFix, UseAnotherService } from './types';

/**
 * What an attribute that was not set is restored to: the documented default where there is one
 * (replay 300 s, retention 86400 s, session state DYNAMIC: [RACAD-AC]) or the "off" value
 * (NONE, FALSE, 0). UNVERIFIED that these are the same as unset for retries, delay, drain timeout
 * and stop option; the undo lists such attributes as approximate.
 */
const UNSET: Record<ServiceAttribute, AttributeValue> = {
  failoverType: 'NONE',
  failoverMethod: 'NONE',
  failoverRestore: 'NONE',
  commitOutcome: false,
  replayInitiationTimeout: RECOMMENDED.replayInitiationTimeout,
  retentionTimeout: RECOMMENDED.retentionTimeout,
  failoverRetries: 0,
  failoverDelay: 0,
  sessionStateConsistency: 'DYNAMIC',
  aqHaNotifications: false,
  drainTimeout: 0,
  stopOption: 'NONE',
};

/** Every `set` of the findings, in one change. */
export function changesFrom(findings: readonly Finding[]): AttributeChanges {
  const changes: AttributeChanges = {};
  for (const f of findings) Object.assign(changes, f.set ?? {});
  return changes;
}

/**
 * srvctl checks a TRANSACTION (or AUTO) failover type together with -replay_init_time and
 * -retention (ORA-45525, OCI-45526 say so for a service being created; UNVERIFIED for modify):
 * a change of failover type carries both, at their current values when those are right.
 */
function withCoupled(s: ServiceInfo, changes: AttributeChanges, m: Management): AttributeChanges {
  const type = changes.failoverType;
  if (m.kind !== 'srvctl' || (type !== 'TRANSACTION' && type !== 'AUTO')) return changes;
  const replay = changes.replayInitiationTimeout ?? s.replayInitiationTimeout ?? RECOMMENDED.replayInitiationTimeout;
  const retention = changes.retentionTimeout ?? s.retentionTimeout ?? RECOMMENDED.retentionTimeout;
  return { ...changes, replayInitiationTimeout: replay, retentionTimeout: retention };
}

/** The value read for an attribute, as a fix could set it again; null when it cannot (unset, or not a value orb sets). */
function restorable(s: ServiceInfo, a: ServiceAttribute): AttributeValue | null {
  const v = s[a];
  if (v === null) return null;
  const value = typeof v === 'string' ? norm(v) : v;
  try {
    checkedValue(a, value);
    return value;
  } catch {
    return null;
  }
}

function undoOf(s: ServiceInfo, changes: AttributeChanges): { changes: AttributeChanges; approximate: ServiceAttribute[] } {
  const undo: AttributeChanges = {};
  const approximate: ServiceAttribute[] = [];
  for (const a of SERVICE_ATTRIBUTES) {
    if (changes[a] === undefined) continue;
    const before = restorable(s, a);
    if (before === null) approximate.push(a);
    undo[a] = before ?? UNSET[a];
  }
  return { changes: undo, approximate };
}

export function render(s: ServiceInfo, changes: AttributeChanges, m: Management): ServiceChange {
  if (m.kind === 'srvctl') return { changes, srvctl: srvctlModifyService(m.db, s.name, changes) };
  return { changes, statement: statements.modifyService(s.pdb, s.name, changes) };
}

/** The fix for the findings that carry a change, with its undo; null when none does. */
export function buildFix(s: ServiceInfo, findings: readonly Finding[], m: Management): ServiceFix | null {
  const found = changesFrom(findings);
  if (Object.keys(found).length === 0) return null;
  const apply = withCoupled(s, found, m);
  const undo = undoOf(s, apply);
  return {
    via: m.kind,
    apply: render(s, apply, m),
    undo: { ...render(s, undo.changes, m), approximate: undo.approximate },
  };
}

export function useAnotherService(s: ServiceInfo): UseAnotherService {
  return {
    via: 'use-another-service',
    why:
      `${s.name} is the default service of ${s.pdb}: it cannot be drained, relocated or failed over and Application ` +
      'Continuity does not cover it. Connect applications through a service of their own (srvctl add service / ' +
      'DBMS_SERVICE.CREATE_SERVICE) configured for the profile [OPS, RACAD-AC]',
  };
}
