/**
 * Oracle's rules for a service's attributes, per profile (AC, TAC, TAF): one small function per
 * rule, each answering a Finding or null. Sources are the bracketed names of profiles.ts.
 * Pure: safe in workflow code.
 */
import type { ServiceInfo } from '../../activities/oracle/port';
import {
  DRAINING_STOP_OPTIONS,
  FAILOVER_RESTORES,
  FAILOVER_TYPES,
  RECOMMENDED,
  type Profile,
} from './profiles';
import type { Finding, Protection } from './types';

/** Dictionary values compared as Oracle stores them (upper case); empty is unset. */
export function norm(v: string | null | undefined): string | null {
  const t = v?.trim().toUpperCase();
  return t ? t : null;
}

export function shown(v: string | number | boolean | null): string {
  if (v === null) return 'not set';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

/** What the service is configured for now: its FAILOVER_TYPE ([TAC]: AUTO = TAC, TRANSACTION = AC; [NET-TAF]). */
export function protectionOf(s: Pick<ServiceInfo, 'failoverType'>): Protection {
  const t = norm(s.failoverType);
  if (t === 'TRANSACTION') return 'AC';
  if (t === 'AUTO') return 'TAC';
  if (t === 'SELECT' || t === 'SESSION') return 'TAF';
  return 'none';
}

/** The delay and replay initiation timeout the service will have once fixed (replay > delay, retention > replay). */
interface Targets {
  delay: number;
  replay: number;
}

function targets(s: ServiceInfo, p: Profile): Targets {
  const delay = s.failoverDelay === null || (p !== 'taf' && s.failoverDelay !== RECOMMENDED.failoverDelay)
    ? RECOMMENDED.failoverDelay
    : s.failoverDelay;
  const r = s.replayInitiationTimeout;
  const replay = r !== null && r > delay ? r : Math.max(RECOMMENDED.replayInitiationTimeout, delay + 1);
  return { delay, replay };
}

type Rule = (s: ServiceInfo, p: Profile, t: Targets) => Finding | null;

const WHY_TYPE: Record<Profile, string> = {
  ac: 'Application Continuity replays in-flight work only on a service with FAILOVER_TYPE TRANSACTION [RACAD-AC]',
  tac: 'Transparent Application Continuity replays requests only on a service with FAILOVER_TYPE AUTO [TAC]',
  taf:
    'TAF reconnects sessions (SESSION) and resumes open queries (SELECT) only with a failover type; ' +
    "the service's setting overrides the client's FAILOVER_MODE [NET-TAF]",
};

const failoverType: Rule = (s, p) => {
  const want = FAILOVER_TYPES[p];
  const have = norm(s.failoverType);
  if (have !== null && want.includes(have)) return null;
  return {
    rule: 'failover-type',
    attribute: 'failoverType',
    severity: 'error',
    actual: shown(have),
    expected: want.join(' or '),
    why: WHY_TYPE[p],
    set: { failoverType: want[0]! },
  };
};

const failoverMethod: Rule = (s, p) => {
  if (p !== 'taf' || norm(s.failoverMethod) === 'BASIC') return null;
  return {
    rule: 'failover-method',
    attribute: 'failoverMethod',
    severity: 'error',
    actual: shown(norm(s.failoverMethod)),
    expected: 'BASIC',
    why: 'server-side TAF takes failover method BASIC (PRECONNECT exists only in the client\'s FAILOVER_MODE) [NET-TAF]',
    set: { failoverMethod: 'BASIC' },
  };
};

const commitOutcome: Rule = (s, p) => {
  if (p === 'taf' || s.commitOutcome) return null;
  return {
    rule: 'commit-outcome',
    attribute: 'commitOutcome',
    severity: 'error',
    actual: 'FALSE',
    expected: 'TRUE',
    why:
      'Transaction Guard (COMMIT_OUTCOME) tells replay whether the last commit happened: without it a request ' +
      'cannot be replayed safely [RACAD-AC, RACAD-TG]',
    set: { commitOutcome: true },
  };
};

const failoverRestore: Rule = (s, p) => {
  const have = norm(s.failoverRestore);
  if (p === 'taf') {
    if (have === 'LEVEL1') return null;
    return {
      rule: 'failover-restore',
      attribute: 'failoverRestore',
      severity: 'warning',
      actual: shown(have),
      expected: 'a TAF callback that restores session state',
      why:
        'TAF does not restore ALTER SESSION settings or package state: the application\'s TAF callback must ' +
        '[NET-TAF "What TAF restores"]. FAILOVER_RESTORE LEVEL1 for TAF is UNVERIFIED per release, so orb does not set it',
    };
  }
  const want = FAILOVER_RESTORES[p];
  if (have !== null && want.includes(have)) return null;
  return {
    rule: 'failover-restore',
    attribute: 'failoverRestore',
    severity: 'error',
    actual: shown(have),
    expected: want.join(' or '),
    why: 'restores the session state (autocommit, NLS, ...) on the new session before replay [OPS, TAC]',
    set: { failoverRestore: want[0]! },
  };
};

const replayInitiationTimeout: Rule = (s, p, t) => {
  const have = s.replayInitiationTimeout;
  if (p === 'taf' || (have !== null && have > t.delay)) return null;
  return {
    rule: 'replay-initiation-timeout',
    attribute: 'replayInitiationTimeout',
    severity: 'error',
    actual: shown(have),
    expected: `more than the failover delay (${t.delay} s); Oracle's default ${RECOMMENDED.replayInitiationTimeout} s`,
    why: 'how long after a request began replay may still start; srvctl requires it above the failover delay [RACAD-AC, ERR]',
    set: { replayInitiationTimeout: t.replay },
  };
};

const retentionTimeout: Rule = (s, p, t) => {
  const have = s.retentionTimeout;
  if (p === 'taf' || (have !== null && have > t.replay)) return null;
  return {
    rule: 'retention-timeout',
    attribute: 'retentionTimeout',
    severity: 'error',
    actual: shown(have),
    expected: `more than the replay initiation timeout (${t.replay} s); Oracle's default ${RECOMMENDED.retentionTimeout} s`,
    why: 'how long Transaction Guard keeps commit outcomes; it must outlast the replay initiation timeout [RACAD-TG, ERR]',
    set: { retentionTimeout: Math.max(RECOMMENDED.retentionTimeout, t.replay + 1) },
  };
};

const failoverRetries: Rule = (s, p) => {
  const have = s.failoverRetries;
  const missing = have === null || have <= 0;
  if (!missing && (p === 'taf' || have === RECOMMENDED.failoverRetries)) return null;
  return {
    rule: 'failover-retries',
    attribute: 'failoverRetries',
    severity: missing ? 'error' : 'warning',
    actual: shown(have),
    expected: p === 'taf' ? 'at least 1' : `${RECOMMENDED.failoverRetries} (Oracle's recommendation)`,
    why: 'connection attempts after an outage: without them a drained or failed session is not reconnected [RACAD-AC]',
    set: { failoverRetries: RECOMMENDED.failoverRetries },
  };
};

const failoverDelay: Rule = (s, p) => {
  const have = s.failoverDelay;
  if (have !== null && have > 0 && (p === 'taf' || have === RECOMMENDED.failoverDelay)) return null;
  return {
    rule: 'failover-delay',
    attribute: 'failoverDelay',
    severity: have === null ? 'error' : 'warning',
    actual: shown(have),
    expected: p === 'taf' ? 'at least 1 s' : `${RECOMMENDED.failoverDelay} s (Oracle's recommendation)`,
    why: 'the pause between connection attempts: with none, every attempt may be spent before the service is back [RACAD-AC]',
    set: { failoverDelay: RECOMMENDED.failoverDelay },
  };
};

const sessionState: Rule = (s, p) => {
  if (p !== 'ac' || norm(s.sessionStateConsistency) !== 'STATIC') return null;
  return {
    rule: 'session-state',
    attribute: 'sessionStateConsistency',
    severity: 'warning',
    actual: 'STATIC',
    expected: 'DYNAMIC',
    why: 'STATIC is only for applications whose whole session state a callback re-creates; DYNAMIC is the default [RACAD-AC]',
    set: { sessionStateConsistency: 'DYNAMIC' },
  };
};

const fanNotification: Rule = (s) => {
  if (s.aqHaNotifications) return null;
  return {
    rule: 'fan-notification',
    attribute: 'aqHaNotifications',
    severity: 'error',
    actual: 'FALSE',
    expected: 'TRUE',
    why:
      'FAN planned DOWN / UP events make pools close idle connections at once during a drain and rebalance after; ' +
      'OCI and ODP.NET clients get them only with -notification TRUE ("FAN is highly recommended") [RACAD-AC, OPS]',
    set: { aqHaNotifications: true },
  };
};

const drainTimeout: Rule = (s) => {
  const have = s.drainTimeout;
  if (have !== null && have > 0) return null;
  return {
    rule: 'drain-timeout',
    attribute: 'drainTimeout',
    severity: 'error',
    actual: shown(have),
    expected: 'more than 0 s',
    why:
      'the time sessions get to leave an instance where the service stops before the stop option applies [HAOVW]; ' +
      'a TRANSACTIONAL stop option requires it [ERR PRCD-01396]',
    set: { drainTimeout: RECOMMENDED.drainTimeout },
  };
};

const stopOption: Rule = (s) => {
  const have = norm(s.stopOption);
  if (have !== null && DRAINING_STOP_OPTIONS.includes(have)) return null;
  return {
    rule: 'stop-option',
    attribute: 'stopOption',
    severity: 'error',
    actual: shown(have),
    expected: DRAINING_STOP_OPTIONS.join(' or '),
    why:
      'what happens to sessions still there after the drain timeout: with NONE (or unset) they stay until the ' +
      'instance stops under them, mid-work [HAOVW]',
    set: { stopOption: RECOMMENDED.stopOption },
  };
};

const RULES: readonly Rule[] = [
  failoverType,
  failoverMethod,
  commitOutcome,
  failoverRestore,
  replayInitiationTimeout,
  retentionTimeout,
  failoverRetries,
  failoverDelay,
  sessionState,
  fanNotification,
  drainTimeout,
  stopOption,
];

/** Every finding about the service's own attributes for the profile (the default service is judged elsewhere). */
export function judgeAttributes(s: ServiceInfo, p: Profile): Finding[] {
  const t = targets(s, p);
  return RULES.map((r) => r(s, p, t)).filter((f): f is Finding => f !== null);
}
