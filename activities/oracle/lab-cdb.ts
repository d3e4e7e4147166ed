/**
 * CdbPort over HTTP to the lab (lab/API.md): `POST {url}/cdbs/{cdb}/ops/{op}` with `{ args }`.
 *
 * Lab errors come back as `OracleError(code, message)` with the lab's ORA-/NJS- code, or its LAB-
 * code for what the lab itself refuses (e.g. LAB-404 for a CDB the lab does not have: the message
 * names no ORA code, so common/oracle-errors.ts classifies it as permanent). When the
 * lab cannot be reached the error looks like node-oracledb's thin-mode network errors, so
 * common/oracle-errors.ts classifies both alike (transient):
 *   connection refused / host unknown / unreachable -> NJS-503 (connection could not be established)
 *   connection reset or closed mid-call, no answer in time -> NJS-500 (connection broken)
 *
 * Uses node:http rather than the global fetch: undici (behind fetch) gives up on an answer after
 * 300 s (headersTimeout) and that cannot be lifted without the undici package, while
 * createPdbRelocate answers only when its copy has finished, which may take hours. Here that
 * call has no time limit; the others have OP_TIMEOUT_MS.
 */
import http from 'node:http';
import type {
  AcchkServiceStats, CdbFacts, CdbPort, CopyProgress, DbLinkInfo, DisconnectOption, FailoverSessionCount, PdbState,
  PdbStorage, PlugInViolation, ServiceInfo, SessionCount, SessionRef, StopOption, UserPrivileges,
} from './port';
import { OracleError } from './port';
import { statements, type RelocateStatementArgs, type Statement } from './statements';
import { keystoreLiteral, type SecretRef } from '../../common/estate-config';
import type { AttributeChanges } from '../../common/readiness/attributes';

/** Time limit of every call but createPdbRelocate. */
export const OP_TIMEOUT_MS = 60_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

function networkError(err: NodeJS.ErrnoException, url: URL): OracleError {
  const code = err.code ?? '';
  if (UNREACHABLE.has(code)) {
    return new OracleError('NJS-503', `NJS-503: connection to host ${url.host} could not be established (lab: ${code || err.message})`);
  }
  return new OracleError('NJS-500', `NJS-500: connection to the Oracle Database was broken (lab ${url.host}: ${code || err.message})`);
}

interface Answer {
  status: number;
  text: string;
}

function postOnce(url: URL, body: string, timeoutMs: number | null): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(Object.assign(e, { reused: false })));
        res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET', reused: false })));
      },
    );
    if (timeoutMs !== null) {
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEOUT_ANSWER' })));
    }
    req.on('error', (e: NodeJS.ErrnoException) => reject(Object.assign(e, { reused: req.reusedSocket })));
    req.end(body);
  });
}

async function post(url: URL, body: string, timeoutMs: number | null): Promise<Answer> {
  try {
    return await postOnce(url, body, timeoutMs);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { reused?: boolean };
    // A kept-alive socket the lab had just closed: the request never reached it. Retry once.
    if (err.reused && err.code === 'ECONNRESET') {
      try {
        return await postOnce(url, body, timeoutMs);
      } catch (e2) {
        throw networkError(e2 as NodeJS.ErrnoException, url);
      }
    }
    throw networkError(err, url);
  }
}

export interface LabCdbOptions {
  /** The target keystore's password, by reference: read (so a missing one fails as on a real CDB), never sent */
  keystorePassword?: SecretRef;
}

export function labCdb(url: string, cdb: string, opts: LabCdbOptions = {}): CdbPort {
  const base = new URL(url);

  async function op<T>(name: string, args: Record<string, unknown> = {}, timeoutMs: number | null = OP_TIMEOUT_MS, statement?: Statement): Promise<T> {
    const target = new URL(`/cdbs/${encodeURIComponent(cdb)}/ops/${name}`, base);
    const answer = await post(target, JSON.stringify(statement ? { args, statement } : { args }), timeoutMs);
    let parsed: { result?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      parsed = JSON.parse(answer.text) as typeof parsed;
    } catch {
      throw new OracleError('NJS-500', `NJS-500: the lab answered ${name} with HTTP ${answer.status} and no JSON`);
    }
    if (answer.status >= 200 && answer.status < 300 && parsed && 'result' in parsed) return parsed.result as T;
    const code = typeof parsed?.error?.code === 'string' ? parsed.error.code : `LAB-${answer.status}`;
    const message = typeof parsed?.error?.message === 'string' ? parsed.error.message : `the lab answered ${name} with HTTP ${answer.status}`;
    throw new OracleError(code, message);
  }

  /** A call that changes the estate: the statement a real CDB would get travels with it, for the oplog. */
  async function change(name: string, args: Record<string, unknown>, statement: Statement, timeoutMs: number | null = OP_TIMEOUT_MS): Promise<void> {
    await op(name, args, timeoutMs, statement);
  }

  return {
    cdb,
    getFacts: () => op<CdbFacts>('getFacts'),
    getPdb: (pdb: string) => op<PdbState | null>('getPdb', { pdb }),
    getDbLink: (link: string) => op<DbLinkInfo | null>('getDbLink', { link }),
    getUserPrivileges: (username: string) => op<UserPrivileges>('getUserPrivileges', { username }),
    getPdbStorage: (pdb: string) => op<PdbStorage>('getPdbStorage', { pdb }),
    savePdbState: (pdb: string) => change('savePdbState', { pdb }, statements.savePdbState(pdb)),
    createPdbRelocate: async (args: RelocateStatementArgs & { runTag: string }) => {
      const statement = statements.createPdbRelocate(args);
      // Read (never sent) so that a missing or unquotable password fails as on a real CDB.
      if (args.keystoreSecretRef !== undefined) keystoreLiteral(opts.keystorePassword, `cdbs.${cdb}.keystorePassword`);
      const labArgs = {
        pdb: args.pdb,
        dbLink: args.dbLink,
        availability: args.availability,
        runTag: args.runTag,
        ...(args.fileNameConvert?.length ? { fileNameConvert: args.fileNameConvert } : {}),
        ...(args.keystoreSecretRef !== undefined ? { keystore: true } : {}),
      };
      await change('createPdbRelocate', labArgs, statement, null);
    },
    getCopyProgress: () => op<CopyProgress[]>('getCopyProgress'),
    openPdb: (pdb: string, mode: 'READ WRITE' | 'UPGRADE' = 'READ WRITE') =>
      change('openPdb', mode === 'UPGRADE' ? { pdb, mode } : { pdb }, statements.openPdb(pdb, mode)),
    closePdb: (pdb: string) => change('closePdb', { pdb }, statements.closePdb(pdb)),
    dropPdb: (pdb: string) => change('dropPdb', { pdb }, statements.dropPdb(pdb)),
    getPlugInViolations: (pdb: string) => op<PlugInViolation[]>('getPlugInViolations', { pdb }),
    listServices: (pdb: string) => op<ServiceInfo[]>('listServices', { pdb }),
    startService: (pdb: string, service: string, instance?: string) =>
      change('startService', instance === undefined ? { pdb, service } : { pdb, service, instance }, statements.startService(pdb, service, instance)),
    stopService: (pdb: string, service: string, options: { instance?: string; stopOption: StopOption; drainTimeoutSeconds: number }) =>
      change(
        'stopService',
        {
          pdb,
          service,
          ...(options.instance === undefined ? {} : { instance: options.instance }),
          stopOption: options.stopOption,
          drainTimeoutSeconds: options.drainTimeoutSeconds,
        },
        statements.stopService(pdb, service, options),
      ),
    modifyService: (pdb: string, service: string, changes: AttributeChanges) =>
      change('modifyService', { pdb, service, changes }, statements.modifyService(pdb, service, changes)),
    disconnectSessions: (pdb: string, service: string, option: DisconnectOption) =>
      change('disconnectSessions', { pdb, service, option }, statements.disconnectSessions(pdb, service, option)),
    countSessions: (service: string) => op<SessionCount[]>('countSessions', { service }),
    listServiceSessions: (service: string) => op<SessionRef[]>('listServiceSessions', { service }),
    disconnectSession: (ref: SessionRef) =>
      change('disconnectSession', { instId: ref.instId, sid: ref.sid, serial: ref.serial },
        statements.disconnectSession(ref)),
    countPdbSessions: (pdb: string) => op<number>('countPdbSessions', { pdb }),
    listPdbs: () => op<PdbState[]>('listPdbs'),
    countFailoverSessions: (pdb: string) => op<FailoverSessionCount[]>('countFailoverSessions', { pdb }),
    getAcchkSummary: (pdb: string) => op<AcchkServiceStats[]>('getAcchkSummary', { pdb }),
    // Connections are pooled by a shared keep-alive agent; the lab closes idle ones.
    close: async () => undefined,
  };
}
