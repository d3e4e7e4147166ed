/**
 * The protection a user asks a service to be ready for, and the values Oracle documents for it.
 * Pure: safe in workflow code.
 *
 * Sources (cited where each value is used in rules.ts):
 *  [RACAD-AC]  Oracle RAC Administration and Deployment Guide 12.1, "Creating Services for
 *              Application Continuity and Transaction Guard": AC is -failovertype TRANSACTION with
 *              -commit_outcome TRUE; -replay_init_time default 300 s; -retention default 86400 s;
 *              -failoverretry recommended 30; -failoverdelay recommended 10; -notification TRUE
 *              ("FAN is highly recommended") for OCI and ODP.NET clients; session_state DYNAMIC is
 *              the default, STATIC only for applications whose state a callback fully restores.
 *  [RACAD-TG]  same guide, "To configure services to use Transaction Guard": -commit_outcome TRUE,
 *              -retention (most installations keep the default).
 *  [TAC]       TAC is -failovertype AUTO -failover_restore AUTO -commit_outcome TRUE (Oracle's TAC
 *              service examples: OFSLL "Configure TAC" with srvctl, ludovicocaldara/adg-vector
 *              create_pdb_services.sql with DBMS_SERVICE); DBA_ACCHK_STATISTICS_SUMMARY (19c
 *              Reference) names FAILOVER_TYPE AUTO = TAC, TRANSACTION = AC, FAILOVER_RESTORE AUTO =
 *              TAC, LEVEL1 = AC.
 *  [ERR]       ORA-45525 / OCI-45526: with failover type TRANSACTION, -replay_init_time must be
 *              greater than -failoverdelay and -retention greater than -replay_init_time.
 *              PRCD-01396: stop option TRANSACTIONAL needs a positive drain timeout.
 *  [NET-TAF]   Net Services Administrator's Guide, "Configuring Transparent Application Failover":
 *              TAF TYPE SESSION or SELECT, METHOD BASIC; server-side settings override the client's.
 *              ALL_SERVICES: FAILOVER_METHOD "TAF only for compatibility - BASIC or NONE".
 *  [HAOVW]     High Availability Overview 19c, "Server-Side Planned Maintenance Command Examples":
 *              services drain for their -drain_timeout, then -stopoption applies (example: 300 s).
 *  [OPS]       /work/shared/reference/oracle-ops.md, "Application Continuity, TAC and TAF
 *              readiness, what Oracle's tools look at".
 */

export const PROFILES = ['ac', 'tac', 'taf'] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = 'tac';

export const PROFILE_NAMES: Record<Profile, string> = {
  ac: 'Application Continuity (AC)',
  tac: 'Transparent Application Continuity (TAC)',
  taf: 'Transparent Application Failover (TAF)',
};

/** FAILOVER_TYPE values that make each protection, the first being what a fix sets. */
export const FAILOVER_TYPES: Record<Profile, readonly string[]> = {
  ac: ['TRANSACTION'],
  tac: ['AUTO'],
  taf: ['SELECT', 'SESSION'],
};

/**
 * FAILOVER_RESTORE values each profile accepts, the first being what a fix sets ([OPS]: AC with
 * LEVEL1 or AUTO; TAC with AUTO). TAF: none required (see rules.ts).
 */
export const FAILOVER_RESTORES: Record<'ac' | 'tac', readonly string[]> = {
  ac: ['LEVEL1', 'AUTO'],
  tac: ['AUTO'],
};

/** Values a fix sets when an attribute is missing or wrong. */
export const RECOMMENDED = {
  /** [RACAD-AC] default */
  replayInitiationTimeout: 300,
  /** [RACAD-AC] default, [RACAD-TG] */
  retentionTimeout: 86400,
  /** [RACAD-AC] recommended */
  failoverRetries: 30,
  /** [RACAD-AC] recommended */
  failoverDelay: 10,
  /** [HAOVW] example (5 minutes), also orb's relocation default drain */
  drainTimeout: 300,
  /**
   * orb's choice: sessions still there after the drain timeout end after their transaction.
   * Oracle's MAA examples use IMMEDIATE with AC (replay recovers the work); both are accepted.
   */
  stopOption: 'TRANSACTIONAL',
} as const;

/** Stop options that end what is left after the drain timeout ([HAOVW]); NONE leaves sessions connected. */
export const DRAINING_STOP_OPTIONS: readonly string[] = ['TRANSACTIONAL', 'IMMEDIATE'];
