/**
 * Applies one readiness fix (or its undo) to one service: the attributes it asks for, through srvctl on a
 * Clusterware CDB (the estate's `srvctl`, over SSH, activities/srvctl) or DBMS_SERVICE.MODIFY_SERVICE otherwise
 * (CdbPort.modifyService, every value bound). Idempotent: the service is read first, and a service whose
 * attributes already are as asked is 'already-done' (the retry of a call that had been made). The call is
 * rendered here from the changes (common/readiness), never taken as text from the input.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { EstateConfig } from '../common/estate-config';
import { orderedChanges, type AttributeChanges, type ServiceAttribute } from '../common/readiness/attributes';
import { managementOf, type ReadinessSettings } from './readiness';
import type { ServiceAttributes } from '../common/srvctl/commands';
import { describeStatement, statements } from './oracle/statements';
import type { CdbPort, ServiceInfo } from './oracle/port';
import { oracleStep } from './oracle-step';
import { srvctlExecutorFor } from './srvctl/srvctl-target';
import { srvctlStep } from './srvctl/srvctl-step';

export interface ServiceFixCall {
  cdb: string;
  pdb: string;
  service: string;
  /** How the fix was rendered (the readiness report's management): refused when the estate now says otherwise */
  fix: {
    via: 'srvctl' | 'dbms_service';
    changes: AttributeChanges;
    /** An undo's attributes that were not set when read: still unset counts as put back (nothing is written) */
    approximate?: ServiceAttribute[];
  };
}

export interface ServiceFixOutcome {
  outcome: 'done' | 'already-done';
  via: 'srvctl' | 'dbms_service';
  /** The srvctl command line or the DBMS_SERVICE block (with its binds) that ran; absent when already done */
  call?: string;
}

/** The srvctl command's names of the readiness attributes (common/srvctl/commands.ts ServiceAttributes). */
const SRVCTL_NAMES: Record<ServiceAttribute, keyof ServiceAttributes> = {
  failoverType: 'failoverType',
  failoverMethod: 'failoverMethod',
  failoverRestore: 'failoverRestore',
  commitOutcome: 'commitOutcome',
  replayInitiationTimeout: 'replayInitTime',
  retentionTimeout: 'retention',
  failoverRetries: 'failoverRetry',
  failoverDelay: 'failoverDelay',
  sessionStateConsistency: 'sessionState',
  aqHaNotifications: 'notification',
  drainTimeout: 'drainTimeout',
  stopOption: 'stopOption',
};

export function srvctlAttributes(changes: AttributeChanges): ServiceAttributes {
  const out: Record<string, unknown> = {};
  for (const [a] of orderedChanges(changes)) out[SRVCTL_NAMES[a]] = changes[a];
  return out as ServiceAttributes;
}

const same = (have: string | number | boolean | null, want: string | number | boolean) =>
  typeof want === 'string' ? typeof have === 'string' && have.trim().toUpperCase() === want : have === want;

/** The attributes that are not yet as asked (empty: the fix is in place); `unsetIsDone`: still unset is as asked. */
export function pendingChanges(s: ServiceInfo, changes: AttributeChanges, unsetIsDone: readonly ServiceAttribute[] = []): ServiceAttribute[] {
  const done = (a: ServiceAttribute) => same(s[a], changes[a]!) || (s[a] === null && unsetIsDone.includes(a));
  return orderedChanges(changes).filter(([a]) => !done(a)).map(([a]) => a);
}

async function readService(port: CdbPort, a: ServiceFixCall): Promise<ServiceInfo> {
  const all = await oracleStep(`reading the services of ${a.pdb} in ${a.cdb}`, () => port.listServices(a.pdb));
  const s = all.find((x) => x.name.toUpperCase() === a.service.toUpperCase());
  if (!s) throw ApplicationFailure.nonRetryable(`no service ${a.service} in ${a.pdb} of ${a.cdb}`, 'NotFound');
  return s;
}

export function serviceFixActivities(estate: EstateConfig, openPort: (cdb: string) => CdbPort, settingsOf: (cdb: string) => ReadinessSettings) {
  async function apply(a: ServiceFixCall): Promise<ServiceFixOutcome> {
    orderedChanges(a.fix.changes); // every value checked (InputError naming the attribute) before anything is read
    const m = managementOf(a.cdb, settingsOf(a.cdb));
    if (m.kind !== a.fix.via) {
      const why = `the fix was rendered for ${a.fix.via} but the estate says ${a.cdb}'s services change with ${m.kind}`;
      throw ApplicationFailure.nonRetryable(`${why}: check readiness again`, 'FixMismatch');
    }
    const port = openPort(a.cdb);
    const service = await readService(port, a);
    if (pendingChanges(service, a.fix.changes, a.fix.approximate).length === 0) return { outcome: 'already-done', via: m.kind };
    if (m.kind === 'dbms_service') {
      const statement = statements.modifyService(service.pdb, service.name, a.fix.changes);
      await oracleStep(`DBMS_SERVICE.MODIFY_SERVICE of ${service.name} in ${service.pdb}`, () =>
        port.modifyService(service.pdb, service.name, a.fix.changes));
      return { outcome: 'done', via: m.kind, call: describeStatement(statement) };
    }
    const ex = await srvctlExecutorFor(estate, a.cdb);
    const command = { kind: 'modify-service' as const, db: ex.target.db, service: service.name, attributes: srvctlAttributes(a.fix.changes) };
    const r = await srvctlStep(ex, command, `srvctl modify service ${service.name} of ${ex.target.db}`);
    return { outcome: r.outcome, via: m.kind, call: r.result.commandLine };
  }

  return {
    /** Sets the fix's attributes on the service (already as asked: done). */
    applyServiceFix: apply,
    /** The compensation: puts back the attributes the fix changed (the fix's undo changes), the same way. */
    undoServiceFix: apply,
  };
}
