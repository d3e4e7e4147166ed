import { Context, log, sleep, ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import type { CdbFacts, CdbPort, CopyProgress, PdbState, ServiceInfo } from './oracle/port';
import { describeCopy, runTagOf } from './oracle/copy-progress';
import type { Availability } from './oracle/port';
import { relocateWorkflowId, type CheckResult, type ProgressRecord, type RelocatePdbInput } from '../common/runbook-types';
import { servicesToDrain } from '../common/drainable';
import { buildRelocationPlan, type RelocationPlan } from './relocation-plan';
import { idempotent, oracleStep } from './oracle-step';
import { whileHeartbeating } from './heartbeat';
import { countSessionsLeft, watchSessions, type SessionsLeft } from './session-watch';
import { classifyOracleError, toActivityError } from '../common/oracle-errors';
import {
  estatePrerequisites, relocateStatementArgs, srvctlDbOf, type CdbSettings, type RelocationFacts,
} from './relocation-prereqs';
import type { SrvctlCommand } from '../common/srvctl/commands';
import { relocationStart, relocationStops } from '../common/srvctl/relocation-commands';
import { keystoreProblem } from '../common/estate-config';

/** The CDB ports an activity may open, by estate name. */
export type OpenCdb = (cdb: string) => CdbPort;

export interface RelocationRef {
  pdb: string;
  sourceCdb: string;
  targetCdb: string;
  dbLink: string;
  availability: Availability;
  /** Open UPGRADE and wait at a gate while the PDB is upgraded (a relocation into a higher major release) */
  upgrade?: boolean;
}

export interface PdbRef {
  cdb: string;
  pdb: string;
}

export interface ServicesRef extends PdbRef {
  services: string[];
}

/** Privileges the link user needs in the source CDB (Oracle: Relocating a PDB). */
const LINK_PRIVILEGES = ['CREATE SESSION', 'CREATE PLUGGABLE DATABASE'];

function check(checks: CheckResult[], name: string, outcome: CheckResult['outcome'], reason: string): void {
  checks.push({ check: name, outcome, reason });
}

function describePdb(p: PdbState | null): string {
  return p ? `${p.status}, ${p.openMode ?? 'not in V$PDBS'}` : 'absent';
}


/**
 * The CREATEs under way for this PDB name, whoever started them, and those whose PDB orb cannot
 * name (no statement text yet): those could be creating it too, so they count (the cautious reading).
 */
function copiesOf(pdb: string, copies: CopyProgress[]): CopyProgress[] {
  return copies.filter((c) => c.pdb === null || c.pdb === pdb);
}

/** The copy of this PDB this run started, if one is under way. */
function ownCopy(pdb: string, runTag: string, copies: CopyProgress[]): CopyProgress | undefined {
  return copiesOf(pdb, copies).find((c) => c.runTag === runTag);
}

/** The identity of the run an activity belongs to, as orb tags its CREATE session with it. */
function currentRunTag(): string {
  const { workflowExecution, activityId } = Context.current().info;
  // An activity outside any workflow (not how orb runs them) is a run of its own.
  return runTagOf(workflowExecution ?? { workflowId: 'standalone', runId: activityId });
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 3325952000 → "3.1 GiB", 21474836480 → "20 GiB". */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text = u === 0 || v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${text} ${UNITS[u]}`;
}

function formatSeconds(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Progress of a copy for the status: bytes and blocks copied, copier sessions, time left.
 * Files not started yet have no longops row, so the rows' total grows as the copy goes on; when
 * the source PDB's size is known (V$PDBS.TOTAL_SIZE in the source: an estimate of what will be
 * copied, tempfiles possibly included) it is the total instead, and the time left is the rest at
 * the rate seen so far. Otherwise the time left is Oracle's estimate for the files under way.
 */
export function toProgress(c: CopyProgress, sourceBytes: number | null = null): ProgressRecord {
  const bs = c.blockSize;
  const totalBlocks = Math.max(c.blocksTotal, bs && sourceBytes ? Math.ceil(sourceBytes / bs) : 0);
  const doneBytes = c.bytesDone ?? 0;
  const totalBytes = bs ? totalBlocks * bs : 0;
  const percent = totalBlocks > 0 ? Math.min(100, (100 * c.blocksDone) / totalBlocks) : 0;
  const rate = c.elapsedSeconds > 0 ? doneBytes / c.elapsedSeconds : 0;
  const byRate = sourceBytes && rate > 0 ? Math.ceil((totalBytes - doneBytes) / rate) : null;
  const timeRemainingSeconds = byRate !== null ? Math.max(0, byRate) : c.timeRemainingSeconds;
  const sessions = `${c.copierSessions} copier session${c.copierSessions === 1 ? '' : 's'}`;
  const blocks = `${count(c.blocksDone)} of ${count(totalBlocks)} blocks, ${sessions}`;
  const copied = bs ? `copied ${formatBytes(doneBytes)} of ${formatBytes(totalBytes)} (${blocks})` : `copied ${blocks}`;
  const left = timeRemainingSeconds !== null ? `, about ${formatSeconds(timeRemainingSeconds)} left` : '';
  return { percent, timeRemainingSeconds, detail: copied + left };
}

/** Non-retryable: a CREATE of this PDB that this run did not start is under way in the target. */
function foreignCopy(r: RelocationRef, c: CopyProgress): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${r.targetCdb} is already creating ${r.pdb}: a CREATE PLUGGABLE DATABASE this run did not start is under way in ` +
      `${describeCopy(c)}. orb neither joins a copy it did not start nor drops it; let it end (or stop it), ` +
      `deal with what it leaves in ${r.targetCdb}, then start again`,
    'ForeignCopy',
  );
}

export interface RelocationActivityOptions {
  copyPollMs?: number;
  /** What the estate file says about a CDB (Clusterware, keystore password, FILE_NAME_CONVERT); default: nothing */
  settingsOf?: (cdb: string) => CdbSettings;
  /** The estate's verdict on a run's approvers (gate-approvers.ts), for the plan; default: not checked */
  approvers?: (gates: RelocatePdbInput['gates']) => CheckResult;
  /** The command lines srvctl commands would be sent as on a CDB (the executor's own builder), for the plan */
  srvctlLines?: (cdb: string, commands: SrvctlCommand[]) => Promise<string[]>;
}

/** How a CDB's services are stopped and started: srvctl's -db when the estate reaches it through srvctl. */
export interface ServiceManagement {
  srvctlDb: string | null;
}

export function relocationActivities(openPort: OpenCdb, opts: RelocationActivityOptions = {}) {
  const copyPollMs = opts.copyPollMs ?? 2000;
  const settingsOf = opts.settingsOf ?? (() => ({}));
  /** A CDB the estate file does not describe (or describes wrongly) is a permanent error. */
  const openCdb: OpenCdb = (cdb) => {
    try {
      return openPort(cdb);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`cannot open CDB ${cdb}: ${(err as Error).message}`, 'EstateConfig');
    }
  };

  /** A CDB's settings, with whether this worker can use its keystore password (read here, never returned). */
  function withKeystoreProblem(cdb: string, s: CdbSettings): CdbSettings {
    return s.keystorePassword ? { ...s, keystoreProblem: keystoreProblem(s.keystorePassword, `cdbs.${cdb}.keystorePassword`) } : s;
  }

  /** Both CDBs' facts, the source PDB's files and the estate's settings: what the CREATE's clauses depend on. */
  async function relocationFacts(r: RelocationRef, known?: { sf: CdbFacts; tf: CdbFacts }): Promise<RelocationFacts> {
    const source = openCdb(r.sourceCdb);
    const target = openCdb(r.targetCdb);
    const [sf, tf, storage] = await oracleStep(`reading ${r.sourceCdb} and ${r.targetCdb}`, () =>
      Promise.all([known?.sf ?? source.getFacts(), known?.tf ?? target.getFacts(), source.getPdbStorage(r.pdb)]),
    );
    return {
      ...r,
      upgrade: r.upgrade === true,
      source: { facts: sf, settings: settingsOf(r.sourceCdb), storage },
      target: { facts: tf, settings: withKeystoreProblem(r.targetCdb, settingsOf(r.targetCdb)) },
    };
  }

  /** The source PDB's size (V$PDBS.TOTAL_SIZE), for the copy's progress; null when it cannot be read (progress is best effort). */
  async function sourceSize(r: { pdb: string; sourceCdb: string }): Promise<number | null> {
    try {
      return (await openCdb(r.sourceCdb).getPdb(r.pdb))?.totalSizeBytes || null;
    } catch (err) {
      log.warn('could not read the source PDB size', { error: (err as Error).message });
      return null;
    }
  }

  /** Issues the CREATE and, until it returns, reports this run's copy every copyPollMs (best effort). */
  async function runCreate(target: CdbPort, r: RelocationRef, runTag: string, report: (c?: CopyProgress) => void): Promise<void> {
    let settled = false;
    const args = relocateStatementArgs(await relocationFacts(r));
    const create = target.createPdbRelocate({ ...args, runTag }).finally(() => {
      settled = true;
    });
    create.catch(() => undefined);
    while (!settled) {
      await Promise.race([create.catch(() => undefined), sleep(copyPollMs)]);
      if (settled) break;
      try {
        report(ownCopy(r.pdb, runTag, await target.getCopyProgress()));
      } catch (err) {
        // Progress is best effort: the copy itself decides the outcome.
        log.warn('could not read copy progress', { error: (err as Error).message });
        report(undefined);
      }
    }
    await create;
  }

  /**
   * Preflight: every prerequisite of a PDB relocation, read-only. Each check passes, fails or
   * warns with the reason; any failure ends the run before anything changes. Returns the facts
   * the CREATE's clauses come from too, so a plan does not read them twice.
   */
  async function preflight(r: RelocationRef): Promise<{ checks: CheckResult[]; facts: RelocationFacts }> {
    const source = openCdb(r.sourceCdb);
    const target = openCdb(r.targetCdb);
    const checks: CheckResult[] = [];
    const [sf, tf, sp, tp, link, copies] = await oracleStep('reading both CDBs for preflight', () =>
      Promise.all([source.getFacts(), target.getFacts(), source.getPdb(r.pdb), target.getPdb(r.pdb), target.getDbLink(r.dbLink), target.getCopyProgress()]),
    );

    if (!sp) check(checks, 'source PDB exists', 'fail', `${r.sourceCdb} has no PDB named ${r.pdb}`);
    else if (sp.status !== 'NORMAL') check(checks, 'source PDB exists', 'fail', `${r.pdb} in ${r.sourceCdb} is ${sp.status}; only a NORMAL PDB can be relocated`);
    else if (sp.openMode !== 'READ WRITE')
      check(checks, 'source PDB exists', 'fail', `${r.pdb} in ${r.sourceCdb} is ${sp.openMode ?? 'not open'}; a relocation needs it open READ WRITE`);
    else check(checks, 'source PDB exists', 'pass', `${r.pdb} in ${r.sourceCdb} is NORMAL and ${sp.openMode}`);

    const creating = copiesOf(r.pdb, copies);
    if (creating.length) {
      const who = creating.map(describeCopy).join('; ');
      check(checks, 'target has no PDB of that name', 'fail',
        `${r.targetCdb} is already creating ${r.pdb}: CREATE PLUGGABLE DATABASE under way in ${who}; wait for it to end, or choose another target`);
    } else if (tp) {
      check(checks, 'target has no PDB of that name', 'fail', `${r.targetCdb} already has a PDB named ${r.pdb} (${describePdb(tp)}); drop it or choose another target`);
    } else check(checks, 'target has no PDB of that name', 'pass', `${r.targetCdb} has no PDB named ${r.pdb}`);

    check(checks, 'source CDB uses local undo', sf.localUndo ? 'pass' : 'fail',
      sf.localUndo ? `${r.sourceCdb} has LOCAL_UNDO_ENABLED = TRUE` : `${r.sourceCdb} runs in shared undo mode (LOCAL_UNDO_ENABLED is not TRUE); relocation needs local undo (ORA-65035)`);
    check(checks, 'target CDB uses local undo', tf.localUndo ? 'pass' : 'fail',
      tf.localUndo ? `${r.targetCdb} has LOCAL_UNDO_ENABLED = TRUE` : `${r.targetCdb} runs in shared undo mode; relocation needs local undo`);

    // orb runs hot relocations only (the PDB stays open READ WRITE during the copy), which need
    // ARCHIVELOG. A cold move of a READ ONLY PDB from a NOARCHIVELOG CDB is not offered.
    check(checks, 'source CDB in ARCHIVELOG mode', sf.logMode === 'ARCHIVELOG' ? 'pass' : 'fail',
      sf.logMode === 'ARCHIVELOG' ? `${r.sourceCdb} is in ARCHIVELOG mode` : `${r.sourceCdb} is in NOARCHIVELOG mode: a hot relocation needs ARCHIVELOG (ORA-65035)`);
    check(checks, 'target CDB in ARCHIVELOG mode', tf.logMode === 'ARCHIVELOG' ? 'pass' : 'warn',
      tf.logMode === 'ARCHIVELOG' ? `${r.targetCdb} is in ARCHIVELOG mode` : `${r.targetCdb} is in NOARCHIVELOG mode: the relocated PDB cannot be recovered until the CDB is in ARCHIVELOG and backed up`);

    check(checks, 'same endianness', sf.endianFormat === tf.endianFormat ? 'pass' : 'fail',
      `${r.sourceCdb} is ${sf.endianFormat} endian (${sf.platformName}), ${r.targetCdb} is ${tf.endianFormat} endian (${tf.platformName})`);

    const csOk = tf.characterSet === 'AL32UTF8' || tf.characterSet === sf.characterSet;
    check(checks, 'compatible character sets', csOk ? 'pass' : 'fail',
      csOk ? `target ${tf.characterSet}, source ${sf.characterSet}` : `target character set ${tf.characterSet} is neither AL32UTF8 nor the source's ${sf.characterSet}`);
    // The national character set must be the same (reference; CREATE ... RELOCATE raises ORA-65119).
    const ncharOk = sf.ncharCharacterSet === tf.ncharCharacterSet;
    check(checks, 'national character sets', ncharOk ? 'pass' : 'fail', ncharOk ? `both CDBs use ${sf.ncharCharacterSet}`
      : `source ${sf.ncharCharacterSet}, target ${tf.ncharCharacterSet}: the national character sets must be the same (ORA-65119)`);

    const targetOptions = new Set(tf.options.filter((o) => o.status === 'VALID').map((o) => o.compId));
    // RAC is linked into the binaries, not installed in the dictionary: a single-instance CDB shows it OPTION OFF,
    // and a PDB from a RAC CDB plugs into it and opens (M. Flechtner, "Einhängen einer RAC-PDB in eine
    // Single-Instance-Datenbank", markusdba.de, 2022). UNVERIFIED: whether PDB_PLUG_IN_VIOLATIONS has a WARNING row.
    const needed = sf.options.filter((o) => o.status === 'VALID' && o.compId !== 'RAC');
    const missing = needed.filter((o) => !targetOptions.has(o.compId)).map((o) => o.compId);
    check(checks, 'installed options', missing.length ? 'fail' : 'pass',
      missing.length ? `${r.targetCdb} lacks options installed in ${r.sourceCdb}: ${missing.join(', ')}` : `every option of ${r.sourceCdb} is installed in ${r.targetCdb}`);

    const facts = await relocationFacts(r, { sf, tf });
    checks.push(...estatePrerequisites(facts));

    if (!link) {
      check(checks, 'database link', 'fail', `${r.targetCdb} has no database link ${r.dbLink} (ORA-02019); create it to ${r.sourceCdb}'s root as a common user`);
    } else if (!link.username) {
      check(checks, 'database link', 'fail', `link ${r.dbLink} connects as the current user (no fixed user); relocation needs a link that connects as a common user with CREATE SESSION, CREATE PLUGGABLE DATABASE and SYSOPER`);
    } else {
      const u = await oracleStep('reading the link user in the source CDB', () => source.getUserPrivileges(link.username));
      if (!u.exists) {
        check(checks, 'database link', 'fail', `link ${r.dbLink} connects as ${link.username}, who does not exist in ${r.sourceCdb}`);
      } else {
        const lacking = LINK_PRIVILEGES.filter((p) => !u.systemPrivileges.includes(p));
        if (!u.sysoper) lacking.push('SYSOPER');
        const problems = [...lacking.map((p) => `lacks ${p}`), ...(u.common ? [] : ['is not a common user'])];
        check(checks, 'database link', problems.length ? 'fail' : 'pass',
          problems.length ? `link ${r.dbLink} connects as ${link.username}, who ${problems.join(' and ')} in ${r.sourceCdb}` : `link ${r.dbLink} connects as common user ${link.username} with CREATE SESSION, CREATE PLUGGABLE DATABASE and SYSOPER`);
      }
    }

    if (sp) {
      const services = await oracleStep('reading the PDB services', () => source.listServices(r.pdb));
      // The default service's name is as CDB_SERVICES spells it (often lower case, maybe with the domain).
      const defaultService = services.find((s) => s.isDefault)?.name ?? r.pdb;
      const counts = await oracleStep('counting sessions on the default service', () => source.countSessions(defaultService));
      const onDefault = counts.reduce((n, c) => n + c.count, 0);
      const drainable = services.filter((s) => !s.isDefault);
      check(checks, 'application services', drainable.length ? 'pass' : 'warn',
        drainable.length ? `services to drain and move: ${drainable.map((s) => s.name).join(', ')}` : `${r.pdb} has no service besides its default service: nothing can be drained gracefully`);
      if (onDefault > 0) check(checks, 'default service unused', 'warn', `${onDefault} session(s) use the default service ${defaultService}, which cannot be drained; they will be cut at cutover`);
    }
    log.info('preflight done', { pdb: r.pdb, failed: checks.filter((c) => c.outcome === 'fail').length });
    return { checks, facts };
  }

  /** The drain's srvctl command lines on a Clusterware-managed source, and the compensation's, as the run sends them. */
  async function srvctlPlan(cdb: string, db: string, services: string[], drainTimeoutMs: number) {
    const stops = await opts.srvctlLines!(cdb, relocationStops(db, services, Math.ceil(drainTimeoutMs / 1000)));
    const starts = await opts.srvctlLines!(cdb, services.map((s) => relocationStart(db, s)));
    return { stops, starts };
  }

  const relocation = {
    /** Preflight (see preflight above): the checks, for the run's preflight stage. */
    async preflightRelocation(r: RelocationRef): Promise<CheckResult[]> {
      return (await preflight(r)).checks;
    },

    /**
     * `orb plan`: preflight (read-only), then the plan built from the same statement builders and
     * the same CREATE clauses the run uses, with the services that would be drained now.
     */
    async planRelocation(input: RelocatePdbInput): Promise<RelocationPlan> {
      const r: RelocationRef = {
        pdb: input.pdb, sourceCdb: input.sourceCdb, targetCdb: input.targetCdb, dbLink: input.dbLink, availability: input.availability, upgrade: input.upgrade === true,
      };
      const { checks, facts } = await preflight(r);
      const services = servicesToDrain(await oracleStep('listing the PDB services', () => openCdb(r.sourceCdb).listServices(r.pdb)));
      const all = [...(opts.approvers ? [opts.approvers(input.gates)] : []), ...checks];
      const db = srvctlDbOf(r.sourceCdb, facts.source.settings);
      const srvctl = db !== null && opts.srvctlLines && services.length
        ? await srvctlPlan(r.sourceCdb, db, services, input.drain.timeoutMs)
        : undefined;
      const createArgs = relocateStatementArgs(facts);
      return buildRelocationPlan(input, relocateWorkflowId(r.sourceCdb, r.pdb), { checks: all, createArgs, services, srvctl });
    },

    /** Who stops and starts a CDB's services: srvctl (its -db) or DBMS_SERVICE (null), from the estate file. */
    async serviceManagementOf(p: { cdb: string }): Promise<ServiceManagement> {
      return { srvctlDb: srvctlDbOf(p.cdb, settingsOf(p.cdb)) };
    },

    /**
     * Sessions left on the services after the drain timeout, on a RAC CDB: each one read from GV$SESSION (every
     * instance) and disconnected after its transaction with ALTER SYSTEM DISCONNECT SESSION '<sid>,<serial#>,@<inst_id>'
     * POST_TRANSACTION (DBMS_SERVICE.DISCONNECT_SESSION would reach the local instance only). A session already
     * gone (ORA-00030) counts as done.
     */
    async disconnectSessionsEverywhere(p: ServicesRef): Promise<{ disconnected: number; alreadyGone: number }> {
      const port = openCdb(p.cdb);
      const ctx = Context.current();
      let disconnected = 0;
      let alreadyGone = 0;
      for (const svc of p.services) {
        const sessions = await oracleStep(`reading the sessions of ${svc} in ${p.cdb} (GV$SESSION)`, () =>
          port.listServiceSessions(svc));
        for (const ref of sessions) {
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure('cancelled while disconnecting sessions');
          ctx.heartbeat({ disconnecting: svc });
          const id = `${ref.sid},${ref.serial},@${ref.instId}`;
          const done = await oracleStep(`disconnecting session ${id} of ${svc}`, () => idempotent(() => port.disconnectSession(ref)));
          if (done) disconnected++;
          else alreadyGone++;
        }
      }
      return { disconnected, alreadyGone };
    },

    /** ALTER PLUGGABLE DATABASE <pdb> SAVE STATE INSTANCES=ALL on the source. Idempotent by nature. */
    async savePdbState(p: PdbRef): Promise<void> {
      await oracleStep(`saving the open state of ${p.pdb} in ${p.cdb}`, () => openCdb(p.cdb).savePdbState(p.pdb));
    },

    /**
     * The copy: CREATE PLUGGABLE DATABASE ... RELOCATE in the target, on a session tagged with
     * this run (copy-progress.ts), with progress heartbeated. Idempotent by state:
     *  - a copy this run started (an earlier attempt whose worker died) is joined, never a second
     *    CREATE;
     *  - a CREATE of this PDB someone else started (another run, another source CDB, a DBA by
     *    hand) is a non-retryable ForeignCopy: orb neither joins nor drops it;
     *  - a CREATE whose PDB orb cannot name yet is waited for: it may be creating this one, and
     *    while it runs the target PDB it creates is UNUSABLE, which must not be taken for a leftover;
     *  - a finished copy (RELOCATING, MOUNTED) is accepted, and an UNUSABLE leftover nobody is
     *    creating any more is dropped before trying again.
     * A finished copy carries no tag, so whose it is cannot be read from the estate (see the
     * run-level lock on the PDB name and target).
     */
    async copyPdb(r: RelocationRef, raced = false): Promise<{ outcome: 'copied' | 'already-copied' | 'joined-running-copy'; droppedUnusable: boolean }> {
      const ctx = Context.current();
      const runTag = currentRunTag();
      const target = openCdb(r.targetCdb);
      const sourceBytes = await sourceSize(r);
      let droppedUnusable = false;
      let joined = false;
      const beat = (c: CopyProgress | undefined, note: string) =>
        ctx.heartbeat(c ? toProgress(c, sourceBytes) : { percent: null, timeRemainingSeconds: null, detail: note });

      // Heartbeat at once: a cancellation of the run reaches this attempt through the heartbeat
      // reply, before it decides whether to issue a CREATE.
      beat(undefined, 'reading the target');
      for (;;) {
        const [state, copies] = await oracleStep(`reading ${r.pdb} in ${r.targetCdb}`, () =>
          whileHeartbeating('reading the target', () => Promise.all([target.getPdb(r.pdb), target.getCopyProgress()])),
        );
        const under = copiesOf(r.pdb, copies);
        const foreign = under.find((c) => c.pdb !== null && c.runTag !== runTag);
        if (foreign) throw foreignCopy(r, foreign);
        if (under.length) {
          // Ours (an earlier attempt): join it. One orb cannot name: wait until it names a PDB or ends.
          const mine = under.find((c) => c.runTag === runTag);
          joined ||= mine !== undefined;
          beat(mine, `waiting for ${under.map(describeCopy).join('; ')}: a CREATE PLUGGABLE DATABASE whose PDB is not known yet`);
          await sleep(copyPollMs);
          continue;
        }
        if (state?.status === 'UNUSABLE') {
          // Nobody is creating it (read together with the copies above): a leftover of an aborted copy.
          log.warn('dropping the UNUSABLE target left by an aborted copy', { pdb: r.pdb, cdb: r.targetCdb });
          await oracleStep(`dropping the UNUSABLE ${r.pdb} in ${r.targetCdb}`, () =>
            whileHeartbeating(`dropping the UNUSABLE ${r.pdb} left in ${r.targetCdb} by an aborted copy`, () => target.dropPdb(r.pdb)),
          );
          droppedUnusable = true;
          continue;
        }
        if (state) {
          // Before the open, only a RELOCATING, MOUNTED PDB can be this relocation's finished copy.
          if (state.status === 'RELOCATING' && state.openMode === 'MOUNTED') {
            return { outcome: joined ? 'joined-running-copy' : 'already-copied', droppedUnusable };
          }
          throw ApplicationFailure.nonRetryable(
            `${r.targetCdb} has a PDB named ${r.pdb} in state ${describePdb(state)} that this runbook did not create; resolve it by hand`,
            'UnexpectedTargetState',
          );
        }
        break;
      }

      // A cancelled attempt (the run is being compensated) must not start a copy.
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('the copy was cancelled before its CREATE was issued');
      log.info('starting CREATE PLUGGABLE DATABASE ... RELOCATE', { ...r, runTag });
      beat(undefined, 'starting the copy');
      try {
        await runCreate(target, r, runTag, (c) => beat(c, 'copy starting'));
      } catch (err) {
        // ORA-65012: another attempt (one whose heartbeat timed out but that still ran) issued
        // the CREATE first. Read the estate again and join or accept that copy.
        if (classifyOracleError(err).code === 'ORA-65012' && !raced) {
          log.warn('ORA-65012 on CREATE: another attempt created the PDB; re-reading the target', { pdb: r.pdb });
          return relocation.copyPdb(r, true);
        }
        throw toActivityError(err, `relocating ${r.pdb} from ${r.sourceCdb} to ${r.targetCdb}`);
      }
      return { outcome: 'copied', droppedUnusable };
    },

    /** Where the PDB stands in both CDBs (for decisions after a failure at the open). */
    async readPdbStates(r: { pdb: string; sourceCdb: string; targetCdb: string }): Promise<{ source: PdbState | null; target: PdbState | null }> {
      const [source, target] = await oracleStep(`reading ${r.pdb} in ${r.sourceCdb} and ${r.targetCdb}`, () =>
        Promise.all([openCdb(r.sourceCdb).getPdb(r.pdb), openCdb(r.targetCdb).getPdb(r.pdb)]),
      );
      return { source, target };
    },

    /**
     * Progress of the copy of the PDB into the target (`cdb`), for the runbook's status: this run's
     * copy, else whatever CREATE of the PDB is under way; null when none runs. With `sourceCdb`,
     * the source PDB's size is the total.
     */
    async readCopyProgress(p: PdbRef & { sourceCdb?: string }): Promise<ProgressRecord | null> {
      const copies = await oracleStep(`reading copy progress in ${p.cdb}`, () => openCdb(p.cdb).getCopyProgress());
      const c = ownCopy(p.pdb, currentRunTag(), copies) ?? copiesOf(p.pdb, copies)[0];
      if (!c) return null;
      return toProgress(c, p.sourceCdb ? await sourceSize({ pdb: p.pdb, sourceCdb: p.sourceCdb }) : null);
    },

    /** The services of the PDB in a CDB, as the runbook needs them. */
    async listPdbServices(p: PdbRef): Promise<ServiceInfo[]> {
      return oracleStep(`listing the services of ${p.pdb} in ${p.cdb}`, () => openCdb(p.cdb).listServices(p.pdb));
    },

    /**
     * Stops the services (never -force: STOP_OPTION_NONE with a drain timeout, so FAN planned
     * DOWN lets pools release connections). Idempotent: a service already stopped is skipped.
     */
    async stopServices(p: ServicesRef & { drainTimeoutSeconds: number }): Promise<string[]> {
      const port = openCdb(p.cdb);
      const running = new Set((await oracleStep('listing services', () => port.listServices(p.pdb))).filter((s) => s.runningOn.length).map((s) => s.name));
      const toStop = p.services.filter((svc) => running.has(svc));
      // A cancelled run restarts the services: stop none behind its back.
      if (Context.current().cancellationSignal.aborted) throw new CancelledFailure('cancelled before stopping the services');
      // All at once: STOP_SERVICE with a drain timeout may wait for its sessions, and the drain
      // timeout is the operator's budget for the whole PDB, not per service.
      await whileHeartbeating(`stopping ${toStop.join(', ')}`, () =>
        Promise.all(
          toStop.map((svc) =>
            oracleStep(`stopping service ${svc} of ${p.pdb} in ${p.cdb}`, () =>
              idempotent(() => port.stopService(p.pdb, svc, { stopOption: 'NONE', drainTimeoutSeconds: p.drainTimeoutSeconds })),
            ),
          ),
        ),
      );
      return toStop;
    },

    /** User sessions still on the services (GV$SESSION), total and per service. */
    async countServiceSessions(p: ServicesRef): Promise<SessionsLeft> {
      return countSessionsLeft(openCdb(p.cdb), p);
    },

    /**
     * Watches the sessions on the services leave: counts them every `pollMs` (at most 1 s) until none is
     * left or the deadline (epoch ms, the workflow's clock) passes, heartbeating what is left, so the run
     * knows within a second without a history event per read. Returns what is left (total 0: drained).
     */
    async awaitSessionsGone(p: ServicesRef & { deadlineMs: number; pollMs: number }): Promise<SessionsLeft> {
      return watchSessions(() => countSessionsLeft(openCdb(p.cdb), p), p.services, p.deadlineMs, p.pollMs);
    },

    /** DBMS_SERVICE.DISCONNECT_SESSION for stragglers; POST_TRANSACTION lets transactions finish. */
    async disconnectServiceSessions(p: ServicesRef & { option: 'POST_TRANSACTION' | 'IMMEDIATE' }): Promise<void> {
      const port = openCdb(p.cdb);
      const ctx = Context.current();
      for (const svc of p.services) {
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('cancelled while disconnecting sessions');
        await oracleStep(`disconnecting sessions of ${svc}`, () => whileHeartbeating(`disconnecting ${svc}`, () => port.disconnectSessions(p.pdb, svc, p.option)));
      }
    },

    /**
     * ALTER PLUGGABLE DATABASE <pdb> OPEN (or OPEN UPGRADE) in the target. Idempotent: a PDB
     * already open in the mode asked (UPGRADE shows as MIGRATE) is left as it is.
     */
    async openPdb(p: PdbRef & { mode?: 'READ WRITE' | 'UPGRADE' }): Promise<{ alreadyOpen: boolean; openMode: string | null }> {
      const port = openCdb(p.cdb);
      const mode = p.mode ?? 'READ WRITE';
      const state = await oracleStep(`reading ${p.pdb} in ${p.cdb}`, () => port.getPdb(p.pdb));
      if (!state) throw ApplicationFailure.nonRetryable(`${p.cdb} has no PDB named ${p.pdb} to open`, 'PdbMissing');
      if (state.openMode === (mode === 'UPGRADE' ? 'MIGRATE' : 'READ WRITE')) return { alreadyOpen: true, openMode: state.openMode };
      const opened = await oracleStep(`opening ${p.pdb} in ${p.cdb}${mode === 'UPGRADE' ? ' UPGRADE' : ''}`, () =>
        whileHeartbeating(`opening ${p.pdb}`, () => idempotent(() => port.openPdb(p.pdb, mode))),
      );
      const after = await oracleStep(`reading ${p.pdb} in ${p.cdb}`, () => port.getPdb(p.pdb));
      return { alreadyOpen: !opened, openMode: after?.openMode ?? null };
    },

    /**
     * After the upgrade (done by the DBA at the "upgrade" gate): close the PDB if it is still
     * open (UPGRADE shows as MIGRATE) and open it READ WRITE on every instance. A PDB that still
     * opens MIGRATE was not upgraded: that is a failure naming the plug-in violation.
     */
    async reopenAfterUpgrade(p: PdbRef): Promise<string> {
      const port = openCdb(p.cdb);
      const state = await oracleStep(`reading ${p.pdb} in ${p.cdb}`, () => port.getPdb(p.pdb));
      if (!state) throw ApplicationFailure.nonRetryable(`${p.cdb} has no PDB named ${p.pdb}`, 'PdbMissing');
      if (state.openMode !== 'READ WRITE') {
        if (state.openMode === 'MIGRATE' || state.openMode === 'READ ONLY') {
          // CLOSE IMMEDIATE ends every session in the PDB: never while someone works in it (an
          // upgrade still running, dbupgrade / catctl sessions). The DBA approves again once it is done.
          const sessions = await oracleStep(`counting sessions in ${p.pdb}`, () => port.countPdbSessions(p.pdb));
          if (sessions > 0) {
            throw ApplicationFailure.nonRetryable(
              `${sessions} session(s) are connected to ${p.pdb} in ${p.cdb}, which is open ${state.openMode}: an upgrade may still be running, ` +
                'and orb will not CLOSE IMMEDIATE under it. Let the upgrade finish, then approve to retry',
              'PdbBusy',
            );
          }
          await oracleStep(`closing ${p.pdb} in ${p.cdb}`, () => whileHeartbeating(`closing ${p.pdb}`, () => idempotent(() => port.closePdb(p.pdb))));
        }
        await oracleStep(`opening ${p.pdb} in ${p.cdb}`, () => whileHeartbeating(`opening ${p.pdb}`, () => idempotent(() => port.openPdb(p.pdb))));
      }
      const [after, violations] = await oracleStep(`reading ${p.pdb} in ${p.cdb}`, () => Promise.all([port.getPdb(p.pdb), port.getPlugInViolations(p.pdb)]));
      if (after?.openMode !== 'READ WRITE') {
        const vsn = violations.filter((v) => v.type === 'ERROR').map((v) => v.message).join('; ');
        throw ApplicationFailure.nonRetryable(
          `${p.pdb} in ${p.cdb} opened ${after?.openMode ?? 'not at all'}, not READ WRITE: the upgrade has not completed${vsn ? ` (${vsn})` : ''}. Upgrade it (dbupgrade -c ${p.pdb}) and retry`,
          'NotUpgraded',
        );
      }
      return `${p.pdb} is open READ WRITE in ${p.cdb}`;
    },

    /** Verification after the open: target NORMAL and READ WRITE, source RELOCATED or gone, no plug-in errors. */
    async verifyRelocation(r: RelocationRef): Promise<CheckResult[]> {
      const source = openCdb(r.sourceCdb);
      const target = openCdb(r.targetCdb);
      const [tp, sp, violations] = await oracleStep('reading both CDBs for verification', () =>
        Promise.all([target.getPdb(r.pdb), source.getPdb(r.pdb), target.getPlugInViolations(r.pdb)]),
      );
      const checks: CheckResult[] = [];
      const tOk = tp?.status === 'NORMAL' && tp.openMode === 'READ WRITE';
      check(checks, 'target open read write', tOk ? 'pass' : 'fail', `${r.pdb} in ${r.targetCdb} is ${describePdb(tp)}`);
      // NORMAL removes the source PDB; MAX leaves a RELOCATED tombstone (or none, once dropped).
      const sOk = sp === null || (r.availability === 'MAX' && sp.status === 'RELOCATED');
      check(checks, 'source relocated', sOk ? 'pass' : 'fail',
        `${r.pdb} in ${r.sourceCdb} is ${describePdb(sp)}${r.availability === 'MAX' ? ' (expected a RELOCATED tombstone or nothing)' : ' (expected nothing)'}`);
      const errors = violations.filter((v) => v.type === 'ERROR');
      const warnings = violations.filter((v) => v.type !== 'ERROR');
      check(checks, 'plug-in violations', errors.length ? 'fail' : warnings.length ? 'warn' : 'pass',
        violations.length ? violations.map((v) => `${v.type}: ${v.message}${v.action ? ` (action: ${v.action})` : ''}`).join('; ') : 'none pending');
      return checks;
    },

    /** DBMS_SERVICE.START_SERVICE for each service not running yet. */
    async startServices(p: ServicesRef): Promise<string[]> {
      const port = openCdb(p.cdb);
      const all = await oracleStep(`listing services of ${p.pdb} in ${p.cdb}`, () => port.listServices(p.pdb));
      const started: string[] = [];
      for (const svc of p.services) {
        const info = all.find((s) => s.name === svc);
        if (!info) throw ApplicationFailure.nonRetryable(`service ${svc} does not exist in ${p.pdb} on ${p.cdb} (ORA-44304)`, 'ORA-44304');
        if (info.runningOn.length) continue;
        await oracleStep(`starting service ${svc} of ${p.pdb} in ${p.cdb}`, () => idempotent(() => port.startService(p.pdb, svc)));
        started.push(svc);
      }
      // The run must not report completed while a service it stopped is down: read them back.
      const after = await oracleStep(`listing services of ${p.pdb} in ${p.cdb}`, () => port.listServices(p.pdb));
      const down = p.services.filter((svc) => !after.find((s) => s.name === svc)?.runningOn.length);
      if (down.length) {
        throw ApplicationFailure.retryable(`${down.join(', ')} of ${p.pdb} in ${p.cdb} ${down.length > 1 ? 'are' : 'is'} not running after START_SERVICE`, 'ServiceNotRunning');
      }
      return started;
    },

    /** Drops the RELOCATED tombstone AVAILABILITY MAX left in the source; refuses anything else. */
    async dropTombstone(p: PdbRef): Promise<'dropped' | 'already-gone'> {
      const port = openCdb(p.cdb);
      const state = await oracleStep(`reading ${p.pdb} in ${p.cdb}`, () => port.getPdb(p.pdb));
      if (!state) return 'already-gone';
      if (state.status !== 'RELOCATED') {
        throw ApplicationFailure.nonRetryable(`${p.pdb} in ${p.cdb} is ${describePdb(state)}, not a RELOCATED tombstone: orb will not drop it`, 'NotATombstone');
      }
      await oracleStep(`dropping the tombstone ${p.pdb} in ${p.cdb}`, () => whileHeartbeating(`dropping the tombstone ${p.pdb}`, () => port.dropPdb(p.pdb)));
      return 'dropped';
    },

    /**
     * Compensation: drops the relocated copy in the target, but only while it is not open and
     * the source still holds the PDB (NORMAL): it never drops the only copy of a database.
     * While any session is still creating a PDB of that name (ours or anyone's: its target PDB is
     * UNUSABLE then, like a leftover), nothing is dropped: it waits (retryable) for the CREATE to end.
     */
    async dropRelocatedCopy(r: { pdb: string; sourceCdb: string; targetCdb: string }): Promise<string> {
      const target = openCdb(r.targetCdb);
      const source = openCdb(r.sourceCdb);
      const [tp, sp, copies] = await oracleStep('reading both CDBs before dropping the copy', () =>
        Promise.all([target.getPdb(r.pdb), source.getPdb(r.pdb), target.getCopyProgress()]),
      );
      const under = copiesOf(r.pdb, copies);
      if (under.length) {
        const who = under.map(describeCopy).join('; ');
        throw ApplicationFailure.retryable(
          `a CREATE PLUGGABLE DATABASE of ${r.pdb} is still under way in ${r.targetCdb} (${who}); waiting for it to end before dropping anything`,
          'CopyStillRunning',
        );
      }
      if (!tp) return `no ${r.pdb} in ${r.targetCdb}: nothing to drop`;
      if (tp.openMode === 'READ WRITE' || tp.openMode === 'READ ONLY') {
        throw ApplicationFailure.nonRetryable(`${r.pdb} is open (${tp.openMode}) in ${r.targetCdb}: it is the live PDB now, orb will not drop it`, 'TargetIsOpen');
      }
      if (tp.status !== 'RELOCATING' && tp.status !== 'UNUSABLE') {
        throw ApplicationFailure.nonRetryable(`${r.pdb} in ${r.targetCdb} is ${describePdb(tp)}, not a relocation's copy: orb did not create it and will not drop it`, 'NotOurCopy');
      }
      if (sp?.status !== 'NORMAL') {
        throw ApplicationFailure.nonRetryable(`${r.pdb} in ${r.sourceCdb} is ${describePdb(sp)}: the copy in ${r.targetCdb} may be the only one left, orb will not drop it`, 'SourceNotIntact');
      }
      await oracleStep(`dropping ${r.pdb} (${tp.status}) in ${r.targetCdb}`, () => whileHeartbeating(`dropping ${r.pdb} in ${r.targetCdb}`, () => target.dropPdb(r.pdb)));
      return `dropped ${r.pdb} (${tp.status}) in ${r.targetCdb}`;
    },

    /** Compensation: makes sure the source PDB is open READ WRITE. */
    async ensurePdbOpen(p: PdbRef): Promise<string> {
      const port = openCdb(p.cdb);
      const state = await oracleStep(`reading ${p.pdb} in ${p.cdb}`, () => port.getPdb(p.pdb));
      if (!state || state.status !== 'NORMAL') {
        throw ApplicationFailure.nonRetryable(`${p.pdb} in ${p.cdb} is ${describePdb(state)}; it cannot be reopened there`, 'SourceNotIntact');
      }
      if (state.openMode === 'READ WRITE') return `${p.pdb} is open READ WRITE in ${p.cdb}`;
      await oracleStep(`opening ${p.pdb} in ${p.cdb}`, () => whileHeartbeating(`opening ${p.pdb}`, () => idempotent(() => port.openPdb(p.pdb))));
      return `opened ${p.pdb} READ WRITE in ${p.cdb}`;
    },

    /** Compensation: the source open READ WRITE first, then its services started again. */
    async restoreSourceServices(p: ServicesRef): Promise<string> {
      const opened = await relocation.ensurePdbOpen(p);
      const started = await relocation.startServices(p);
      return `${opened}; ${started.length ? `started ${started.join(', ')}` : `${p.services.join(', ')} already running`}`;
    },
  };
  return relocation;
}

export type RelocationActivities = ReturnType<typeof relocationActivities>;
