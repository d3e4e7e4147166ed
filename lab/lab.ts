/**
 * The lab engine: the estate, simulated time, faults, oplog and persistence, behind two kinds
 * of calls: `call(cdb, op, body)` (one CdbPort operation) and the lab-control methods.
 *
 * Time is lazy: every call first advances the estate to simulated now. A ticker runs only
 * while copies are under way, so that a blocked createPdbRelocate answers when its copy
 * ends, and so that copy progress is saved (at most once a real second) for a restart.
 */
import { dirname } from 'node:path';
import { advanceState } from './advance';
import { copyViews } from './copies';
import { SimClock } from './clock';
import { requireCdb, requirePdb, sameName, type SimContext } from './estate';
import { armFault, takeFault } from './faults';
import { checkInvariants } from './invariants';
import { LabError } from './lab-error';
import { cloudBusy, takeCloudFault, type LabCloudFault } from './cloud-model';
import type { LabLogger } from './log';
import type { LabCdb, LabCopy, LabFault, LabOplogEntry, LabState } from './model';
import { oraMessage, wrappedMessage } from './ora-messages';
import * as pdbOps from './pdb-ops';
import { loadState, saveState } from './persistence';
import { armCloudFault, isCloudFaultBody } from './oci/cloud-faults';
import { ensureSeedTnsAdmin } from './oci/tns-admin';
import { nextRandom } from './random';
import {
  cdbPatchBody, clockBody, cloudFaultBody, faultBody, srvctlFaultBody, maintainFaultBody, isOpName, pdbPatchBody, userPatchBody, MUTATING_OPS, OP_ARGS, opBody, parseBody, resetBody, sessionsBody,
  type OpName,
} from './schemas';
import { buildSeed, type SeedName } from './seeds';
import * as svcOps from './service-ops';
import { callSrvctl, recordRefusal, type SrvctlAnswer, type SrvctlHooks, type WaitEnd } from './rac/srvctl-call';
import { armSrvctlFault, isSrvctlFaultBody } from './rac/srvctl-faults';
import { armMaintainFault } from './rac/maintain-program';
import { racControl } from './rac/rac-control';

const OPLOG_MAX = 5000;
const TICK_MS = 100;
const SAVE_EVERY_MS = 1000;

export interface LabOptions {
  stateFile: string;
  seed: SeedName;
  speed?: number;
  /** Start from the seed even when the state file exists */
  reset?: boolean;
  /** PDBs of the seed's fleet (lab/fleet-seed.ts); default 0 */
  fleetPdbs?: number;
  logger: LabLogger;
}

interface Waiter {
  resolve(): void;
  reject(e: LabError): void;
}

/** A srvctl command waiting for simulated time (a drain, a shutdown), or a hanging one waiting for its client. */
interface RacWait {
  pred: ((state: LabState) => boolean) | null;
  resolve(end: WaitEnd): void;
}

/** Where the lab's SSH server listens and the keys it uses (GET /ssh; lab/ssh/ssh-server.ts). */
export interface LabSshInfo {
  host: string;
  port: number;
  user: string;
  /** The server's host key, as an OpenSSH public key line (for a known-hosts entry) */
  hostKey: string;
  /** Absolute path of the client private key the server accepts (0600) */
  privateKeyFile: string;
}

export class Lab {
  private state: LabState;
  private clock: SimClock;
  private readonly waiters = new Map<number, Waiter>();
  private readonly racWaits = new Set<RacWait>();
  /** Set by startLab once its SSH server listens */
  sshInfo: LabSshInfo | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private lastSaveReal = 0;
  private readonly log: LabLogger;
  private readonly stateFile: string;

  constructor(opts: LabOptions) {
    this.log = opts.logger;
    this.stateFile = opts.stateFile;
    const loaded = opts.reset ? null : loadState(opts.stateFile);
    this.state = loaded ?? buildSeed(opts.seed, opts.fleetPdbs ?? 0);
    if (opts.speed !== undefined) this.state.settings.speed = opts.speed;
    this.clock = new SimClock(this.state.simNowMs, this.state.settings.speed);
    ensureSeedTnsAdmin(dirname(this.stateFile), this.state.cloud);
    this.log.info(
      { stateFile: opts.stateFile, seed: this.state.seed, speed: this.state.settings.speed, resumed: loaded !== null, copies: this.state.copies.length },
      loaded ? 'estate reloaded from the state file' : 'estate built from seed',
    );
    this.save();
    this.ensureTicker();
  }

  // ---- time ---------------------------------------------------------------------------------

  private advance(): SimContext {
    const state = this.state;
    const ctx: SimContext = {
      state,
      nowMs: this.clock.now(),
      random: () => {
        const r = nextRandom(state.rng);
        state.rng = r.state;
        return r.value;
      },
    };
    advanceState(ctx);
    this.settleCopies();
    this.settleRacWaits();
    return ctx;
  }

  /** Answers the srvctl commands whose wait is over. */
  private settleRacWaits(): void {
    for (const w of this.racWaits) {
      if (w.pred && w.pred(this.state)) {
        this.racWaits.delete(w);
        w.resolve('done');
      }
    }
  }

  private endRacWaits(end: WaitEnd): void {
    for (const w of this.racWaits) w.resolve(end);
    this.racWaits.clear();
  }

  /** Answers the callers of finished or aborted copies, and forgets those copies. */
  private settleCopies(): void {
    const finished = this.state.copies.filter((c) => c.state !== 'running');
    if (finished.length === 0) return;
    this.state.copies = this.state.copies.filter((c) => c.state === 'running');
    for (const c of finished) {
      this.log.info({ cdb: c.cdb, pdb: c.pdb, outcome: c.state, error: c.error?.code }, 'relocation copy ended');
      const w = this.waiters.get(c.id);
      this.waiters.delete(c.id);
      if (!w) continue;
      if (c.state === 'done') w.resolve();
      else w.reject(new LabError(c.error?.code ?? 'ORA-03113', c.error?.message ?? oraMessage('ORA-03113'), 500, c.abortAt?.faultId));
    }
    this.save();
  }

  private ensureTicker(): void {
    if (this.ticker || !this.needsTicker()) return;
    this.ticker = setInterval(() => {
      this.advance();
      if (Date.now() - this.lastSaveReal >= SAVE_EVERY_MS) this.save();
      if (!this.needsTicker() && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = null;
      }
    }, TICK_MS);
    this.ticker.unref();
  }

  /** Time must run by itself while copies or cloud work requests are under way (their callers and events wait on it). */
  private needsTicker(): boolean {
    return this.state.copies.some((c) => c.state === 'running') || cloudBusy(this.state.cloud) || this.racWaits.size > 0;
  }

  private save(): void {
    this.state.simNowMs = Math.max(this.state.simNowMs, this.clock.now());
    if (this.state.oplog.length > OPLOG_MAX) this.state.oplog.splice(0, this.state.oplog.length - OPLOG_MAX);
    saveState(this.stateFile, this.state);
    this.lastSaveReal = Date.now();
  }

  // ---- CdbPort operations ----------------------------------------------------------------------

  async call(cdbName: string, op: string, rawBody: unknown): Promise<unknown> {
    if (!isOpName(op)) throw new LabError('LAB-404', `LAB-404: no operation ${op}; operations: ${Object.keys(OP_ARGS).join(', ')}`);
    const body = parseBody(opBody, rawBody ?? {}, '');
    const args = parseBody(OP_ARGS[op], body.args ?? {}, 'args') as Record<string, unknown>;
    const ctx = this.advance();
    const entry = MUTATING_OPS.has(op) ? this.logEntry(cdbName, op, args, ctx.nowMs) : null;
    if (entry && body.statement) entry.statement = body.statement;
    let fault: LabFault | null = null;
    try {
      const cdb = requireCdb(this.state, cdbName);
      fault = takeFault(this.state, op, cdb.name, args);
      if (fault && fault.at === null && fault.when === 'before') throw this.faultError(fault, op);
      const result =
        op === 'createPdbRelocate'
          ? await this.relocate(ctx, cdb, args as unknown as pdbOps.RelocateArgs, entry!, fault?.at != null ? fault : null)
          : this.runSync(ctx, cdb, op, args);
      if (fault && fault.at === null && fault.when === 'after') throw this.faultError(fault, op);
      if (entry) {
        entry.outcome = 'ok';
        if (op === 'createPdbRelocate') entry.endedAt ??= new Date(this.clock.now()).toISOString();
      }
      if (entry) this.log.info({ cdb: cdbName, op, args }, 'op ok');
      return result ?? null;
    } catch (e) {
      const err = e instanceof LabError ? e : new LabError('ORA-00600', `ORA-00600: internal error code, arguments: [lab], [${(e as Error).message}]`, 500);
      if (!(e instanceof LabError)) this.log.error({ err: e, cdb: cdbName, op }, 'lab bug');
      if (entry) {
        entry.outcome = 'error';
        entry.error = err.toJSON();
        if (err.faultId !== undefined) entry.faultId = err.faultId;
        if (op === 'createPdbRelocate') entry.endedAt ??= new Date(this.clock.now()).toISOString();
        this.log.info({ cdb: cdbName, op, args, code: err.code }, 'op refused');
      }
      throw err;
    } finally {
      if (entry || fault) this.save();
    }
  }

  private faultError(fault: LabFault, op: string): LabError {
    const detail = `injected ${fault.kind} fault #${fault.id} on ${op}`;
    const message = fault.nested ? wrappedMessage(fault.ora, fault.nested, detail) : oraMessage(fault.ora, detail);
    return new LabError(fault.ora, message, fault.kind === 'transient' ? 503 : 500, fault.id);
  }

  private logEntry(cdb: string, op: string, args: unknown, nowMs: number): LabOplogEntry {
    const entry: LabOplogEntry = {
      seq: this.state.nextOplogSeq++,
      at: new Date(nowMs).toISOString(),
      realAt: new Date().toISOString(),
      cdb: cdb.toUpperCase(),
      op,
      args,
      outcome: 'running',
    };
    this.state.oplog.push(entry);
    return entry;
  }

  private relocate(
    ctx: SimContext,
    cdb: LabCdb,
    args: pdbOps.RelocateArgs,
    entry: LabOplogEntry,
    atFault: LabFault | null,
  ): Promise<void> {
    const abortAt: LabCopy['abortAt'] =
      atFault && atFault.at !== null ? { fraction: atFault.at, ora: atFault.ora, nested: atFault.nested, faultId: atFault.id } : null;
    const copy = pdbOps.startRelocate(ctx, cdb, args, entry.seq, abortAt);
    this.log.info({ cdb: cdb.name, pdb: copy.pdb, from: copy.sourceCdb, bytes: copy.totalBytes, abortAt }, 'relocation copy started');
    const done = new Promise<void>((resolve, reject) => this.waiters.set(copy.id, { resolve, reject }));
    this.save();
    this.ensureTicker();
    this.advance(); // a zero-byte copy (or at: 0) ends at once
    return done;
  }

  private runSync(ctx: SimContext, cdb: LabCdb, op: OpName, a: Record<string, unknown>): unknown {
    const s = (k: string) => a[k] as string;
    switch (op) {
      case 'getFacts':
        return pdbOps.getFacts(cdb);
      case 'getPdb':
        return pdbOps.getPdb(ctx, cdb, s('pdb'));
      case 'getDbLink':
        return pdbOps.getDbLink(cdb, s('link'));
      case 'getUserPrivileges':
        return pdbOps.getUserPrivileges(cdb, s('username'));
      case 'savePdbState':
        return pdbOps.savePdbState(cdb, s('pdb'));
      case 'getCopyProgress':
        return pdbOps.getCopyProgress(ctx, cdb);
      case 'openPdb':
        return pdbOps.openPdb(ctx, cdb, s('pdb'), a.mode as 'READ WRITE' | 'UPGRADE' | undefined);
      case 'closePdb':
        return pdbOps.closePdb(ctx, cdb, s('pdb'));
      case 'getPdbStorage':
        return pdbOps.getPdbStorage(cdb, s('pdb'));
      case 'dropPdb':
        return pdbOps.dropPdb(ctx, cdb, s('pdb'));
      case 'getPlugInViolations':
        return pdbOps.getPlugInViolations(cdb, s('pdb'));
      case 'listServices':
        return svcOps.listServices(cdb, s('pdb'));
      case 'startService':
        return svcOps.startService(ctx, cdb, s('pdb'), s('service'), a.instance as string | undefined);
      case 'stopService':
        svcOps.stopService(ctx, cdb, s('pdb'), s('service'), {
          instance: a.instance as string | undefined,
          stopOption: a.stopOption as 'NONE' | 'IMMEDIATE' | 'TRANSACTIONAL',
          drainTimeoutSeconds: a.drainTimeoutSeconds as number,
        });
        advanceState(ctx); // a zero drain timeout applies at once
        return undefined;
      case 'modifyService':
        return svcOps.modifyService(ctx, cdb, s('pdb'), s('service'), a.changes as Parameters<typeof svcOps.modifyService>[4]);
      case 'disconnectSessions':
        svcOps.disconnectSessions(ctx, cdb, s('pdb'), s('service'), a.option as 'POST_TRANSACTION' | 'IMMEDIATE' | 'NOREPLAY');
        return undefined;
      case 'countPdbSessions':
        return this.state.sessions.filter((x) => x.cdb.toUpperCase() === cdb.name.toUpperCase() && x.pdb.toUpperCase() === s('pdb').toUpperCase()).length;
      case 'countSessions':
        return svcOps.countSessions(ctx, cdb, s('service'));
      case 'listServiceSessions':
        return svcOps.listServiceSessions(ctx, cdb, s('service'));
      case 'disconnectSession':
        svcOps.disconnectSession(ctx, cdb, { instId: a.instId as number, sid: a.sid as number, serial: a.serial as number });
        return undefined;
      case 'listPdbs':
        return pdbOps.listPdbs(ctx, cdb);
      case 'countFailoverSessions':
        return svcOps.countFailoverSessions(ctx, cdb, s('pdb'));
      case 'getAcchkSummary':
        return svcOps.acchkSummary(cdb, s('pdb'));
      case 'createPdbRelocate':
        throw new Error('createPdbRelocate is asynchronous');
    }
  }

  // ---- cloud calls (OCI, OIC; lab/cloud-model.ts) ----------------------------------------------

  /**
   * One call of the cloud APIs the lab serves: advances time, takes an armed cloud fault (before:
   * nothing changes; after: the change is made and the answer lost), records mutating calls in the
   * oplog (`cdb` is the service, OCI or OIC; `target` the OCID / connection id), saves.
   * Errors are LabErrors whose `code` is the service's error code and `httpStatus` its status.
   */
  cloudCall<T>(
    call: { service: 'oci' | 'oic'; op: string; target: string | null; args?: unknown; mutating: boolean },
    fn: (ctx: SimContext, cloud: LabState['cloud']) => T,
  ): T {
    const ctx = this.advance();
    const entry = call.mutating ? this.logEntry(call.service.toUpperCase(), call.op, call.args ?? {}, ctx.nowMs) : null;
    if (entry && call.target) entry.target = call.target;
    const fault = takeCloudFault(this.state.cloud, call.service, call.op, call.target);
    const faultError = (f: LabCloudFault) =>
      new LabError(f.code, `${f.code}: injected ${f.kind} fault #${f.id} on ${call.op}`, f.status, f.id);
    try {
      if (fault && fault.when === 'before') throw faultError(fault);
      const result = fn(ctx, this.state.cloud);
      if (fault && fault.when === 'after') throw faultError(fault);
      if (entry) entry.outcome = 'ok';
      return result;
    } catch (e) {
      const err = e instanceof LabError ? e : new LabError('InternalServerError', `InternalServerError: ${(e as Error).message}`, 500);
      if (!(e instanceof LabError)) this.log.error({ err: e, op: call.op }, 'lab bug');
      if (entry) {
        entry.outcome = 'error';
        entry.error = err.toJSON();
        if (err.faultId !== undefined) entry.faultId = err.faultId;
      }
      throw err;
    } finally {
      if (entry || fault) this.save();
      this.ensureTicker();
    }
  }

  /** Lab control on the cloud estate (no faults, no oplog): advances time, runs, saves. */
  cloudControl<T>(fn: (ctx: SimContext, cloud: LabState['cloud']) => T): T {
    const ctx = this.advance();
    try {
      return fn(ctx, this.state.cloud);
    } finally {
      this.save();
      this.ensureTicker();
    }
  }

  // ---- lab control -----------------------------------------------------------------------------

  estate(): LabState {
    this.advance();
    return this.state;
  }

  health(): { ok: true; seed: string; speed: number; now: string; copiesRunning: number } {
    const ctx = this.advance();
    return { ok: true, seed: this.state.seed, speed: this.clock.speed, now: new Date(ctx.nowMs).toISOString(), copiesRunning: this.state.copies.length };
  }

  addFault(body: unknown): { id: number } {
    if (typeof body === 'object' && body !== null && 'maintain' in body) {
      const mf = armMaintainFault(this.state, parseBody(maintainFaultBody, body, ''));
      this.log.info({ fault: mf }, 'maintenance fault armed');
      this.save();
      return { id: mf.id };
    }
    if (isSrvctlFaultBody(body)) {
      const sf = armSrvctlFault(this.state, parseBody(srvctlFaultBody, body, ''));
      this.log.info({ fault: sf }, 'srvctl fault armed');
      this.save();
      return { id: sf.id };
    }
    if (isCloudFaultBody(body)) {
      const cf = armCloudFault(this.state, parseBody(cloudFaultBody, body, ''));
      this.log.info({ fault: cf }, 'cloud fault armed');
      this.save();
      return { id: cf.id };
    }
    const f = armFault(this.state, parseBody(faultBody, body, ''));
    this.log.info({ fault: f }, 'fault armed');
    this.save();
    return { id: f.id };
  }

  /** Database faults in `faults`, cloud faults (OCI, OIC) in `cloudFaults`. */
  faults(): { faults: LabFault[]; cloudFaults: LabCloudFault[] } {
    return { faults: this.state.faults, cloudFaults: this.state.cloud.faults };
  }

  clearFaults(): { removed: number } {
    const removed = this.state.faults.length + this.state.cloud.faults.length;
    this.state.faults = [];
    this.state.cloud.faults = [];
    this.save();
    return { removed };
  }

  deleteFault(id: number): { removed: number } {
    const before = this.state.faults.length + this.state.cloud.faults.length;
    this.state.faults = this.state.faults.filter((f) => f.id !== id);
    this.state.cloud.faults = this.state.cloud.faults.filter((f) => f.id !== id);
    if (this.state.faults.length + this.state.cloud.faults.length === before) throw new LabError('LAB-404', `LAB-404: no fault ${id}`);
    this.save();
    return { removed: 1 };
  }

  oplog(sinceSeq = 0): { entries: LabOplogEntry[] } {
    this.advance();
    return { entries: this.state.oplog.filter((e) => e.seq > sinceSeq) };
  }

  invariants(quiescent: boolean): ReturnType<typeof checkInvariants> {
    this.advance();
    return checkInvariants(this.state, quiescent);
  }

  reset(body: unknown): { seed: string; speed: number; fleetPdbs?: number } {
    const b = parseBody(resetBody, body ?? {}, '');
    const seed = (b.seed ?? this.state.seed) as SeedName;
    // The estate the callers were waiting on is gone: their statements end as if the instance went down.
    for (const [, w] of this.waiters) w.reject(new LabError('ORA-01092', oraMessage('ORA-01092', 'lab reset'), 503));
    this.waiters.clear();
    this.endRacWaits('reset');
    this.state = buildSeed(seed, b.fleetPdbs ?? 0);
    if (b.speed !== undefined) this.state.settings.speed = b.speed;
    this.clock = new SimClock(this.state.simNowMs, this.state.settings.speed);
    ensureSeedTnsAdmin(dirname(this.stateFile), this.state.cloud);
    this.log.info({ seed, speed: this.state.settings.speed, fleetPdbs: b.fleetPdbs ?? 0 }, 'estate reset');
    this.save();
    return { seed, speed: this.state.settings.speed, ...(b.fleetPdbs ? { fleetPdbs: b.fleetPdbs } : {}) };
  }

  setClock(body: unknown): { speed: number; now: string } {
    const b = parseBody(clockBody, body, '');
    this.advance();
    this.clock.setSpeed(b.speed);
    this.state.settings.speed = b.speed;
    this.save();
    return { speed: b.speed, now: new Date(this.clock.now()).toISOString() };
  }

  addSessions(body: unknown): { added: number; sessions: ReturnType<typeof svcOps.countSessions> } {
    const b = parseBody(sessionsBody, body, '');
    const ctx = this.advance();
    const cdb = requireCdb(this.state, b.cdb);
    const added = svcOps.addSessions(ctx, cdb, b.service, b.count, b.longRunning ?? false, b.instance);
    this.save();
    return { added, sessions: svcOps.countSessions(ctx, cdb, b.service) };
  }

  /** Lab control: changes facts of a CDB. */
  patchCdb(cdbName: string, body: unknown): ReturnType<typeof pdbOps.getFacts> {
    const b = parseBody(cdbPatchBody, body, '');
    this.advance();
    const cdb = requireCdb(this.state, cdbName);
    Object.assign(cdb, b);
    this.log.info({ cdb: cdb.name, patch: b }, 'cdb patched');
    this.save();
    return pdbOps.getFacts(cdb);
  }

  /** Lab control: creates, changes or removes a user of a CDB. */
  patchUser(cdbName: string, username: string, body: unknown): ReturnType<typeof pdbOps.getUserPrivileges> {
    const b = parseBody(userPatchBody, body, '');
    this.advance();
    const cdb = requireCdb(this.state, cdbName);
    const name = username.toUpperCase();
    if (b.exists === false) {
      cdb.users = cdb.users.filter((u) => !sameName(u.username, name));
    } else {
      let user = cdb.users.find((u) => sameName(u.username, name));
      if (!user) {
        user = { username: name, common: name.startsWith('C##'), systemPrivileges: [], sysoper: false };
        cdb.users.push(user);
      }
      if (b.common !== undefined) user.common = b.common;
      if (b.systemPrivileges !== undefined) user.systemPrivileges = [...b.systemPrivileges];
      if (b.sysoper !== undefined) user.sysoper = b.sysoper;
    }
    this.save();
    return pdbOps.getUserPrivileges(cdb, name);
  }

  /** Lab control: what dbupgrade does to a PDB opened UPGRADE (pdb-ops.ts upgradePdb). */
  upgradePdb(cdbName: string, pdbName: string): ReturnType<typeof pdbOps.getPdb> {
    const ctx = this.advance();
    const cdb = requireCdb(this.state, cdbName);
    const r = pdbOps.upgradePdb(ctx, cdb, pdbName);
    this.log.info({ cdb: cdb.name, pdb: pdbName }, 'pdb upgraded (dbupgrade)');
    this.save();
    return r;
  }

  /** Lab control: raw edit of a PDB's status / open mode (no rules, no side effects). */
  patchPdb(cdbName: string, pdbName: string, body: unknown): ReturnType<typeof pdbOps.getPdb> {
    const b = parseBody(pdbPatchBody, body, '');
    this.advance();
    const cdb = requireCdb(this.state, cdbName);
    const pdb = requirePdb(cdb, pdbName);
    if (b.status !== undefined) pdb.status = b.status;
    if (b.openMode !== undefined) pdb.openMode = b.openMode;
    if (b.version !== undefined) pdb.version = b.version;
    if (b.encryptedTablespaces !== undefined) pdb.encryptedTablespaces = b.encryptedTablespaces.map((t) => t.toUpperCase());
    this.log.info({ cdb: cdb.name, pdb: pdb.name, patch: b }, 'pdb patched');
    this.save();
    return pdbOps.getPdb(this.advance(), cdb, pdb.name);
  }

  /** Lab control: the rows GV$SESSION, GV$PX_SESSION and GV$SESSION_LONGOPS show for copies in a CDB. */
  copyViews(cdbName: string): ReturnType<typeof copyViews> {
    const ctx = this.advance();
    return copyViews(this.state, requireCdb(this.state, cdbName), ctx.nowMs);
  }

  // ---- srvctl over SSH (lab/rac/*, lab/ssh/*) -------------------------------------------------

  private srvctlHooks(): SrvctlHooks {
    return {
      advance: () => this.advance(),
      state: () => this.state,
      logEntry: (cdb, op, args, nowMs) => this.logEntry(cdb, op, args, nowMs),
      save: () => this.save(),
      now: () => this.clock.now(),
      waitFor: (pred, closed) => this.waitFor(pred, closed),
    };
  }

  private waitFor(pred: ((state: LabState) => boolean) | null, closed: Promise<void>): Promise<WaitEnd> {
    if (pred && pred(this.state)) return Promise.resolve('done');
    return new Promise<WaitEnd>((resolve) => {
      const w: RacWait = { pred, resolve };
      this.racWaits.add(w);
      void closed.then(() => {
        if (pred !== null || !this.racWaits.delete(w)) return;
        resolve('closed');
      });
      this.ensureTicker();
    });
  }

  /** One SSH exec request: srvctl run on the lab's clusters (lab/rac/srvctl-call.ts). */
  srvctl(line: string, meta: { user: string; closed: Promise<void> }): Promise<SrvctlAnswer> {
    return callSrvctl(this.srvctlHooks(), line, meta).finally(() => this.ensureTicker());
  }

  /** An SSH request the lab refuses (shell, pty, env, subsystem, a wrong key): recorded in the oplog. */
  refuseSsh(op: string, args: unknown, reason: string): void {
    recordRefusal(this.srvctlHooks(), op, args, reason);
  }

  /** Lab control on the RAC part of the estate (lab/rac/rac-control.ts): advances time, then reads. */
  rac<T>(fn: (ctl: ReturnType<typeof racControl>) => T): T {
    const ctx = this.advance();
    return fn(racControl(this.state, ctx));
  }

  /** Lab control: an unplanned instance failure (lab/rac/instance-actions.ts crashInstance); saved, not in the oplog. */
  racCrash(cdb: string, instance: string): unknown {
    const ctx = this.advance();
    const view = racControl(this.state, ctx).crash(cdb, instance);
    this.log.info({ cdb, instance }, 'RAC instance crashed (lab control)');
    this.save();
    this.ensureTicker();
    return view;
  }

  close(): void {
    this.endRacWaits('reset');
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.advance();
    this.save();
  }
}
