/**
 * Where srvctl runs for a CDB of the estate: its `srvctl` object. For an oracledb CDB, the nodes
 * the file lists (private keys read from their secret references when connecting). For a lab CDB,
 * the lab's own SSH server, as the lab describes it at GET <lab url>/ssh ({ host, port, user,
 * hostKey, privateKeyFile }), read each time a step needs it: the same executor then runs against
 * the lab unchanged.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../common/input-error';
import { readSecret, requireCdb, type EstateConfig } from '../../common/estate-config';
import { DEFAULT_SRVCTL_PATH, labSrvctlDb, labSshAnswerSchema, type LabSshAnswer } from '../../common/srvctl/srvctl-estate';
import { firstRule } from '../../common/validation';
import { SshError } from './ssh-errors';
import type { SshNode } from './ssh-exec';
import { srvctlExecutor, type SrvctlExecOptions, type SrvctlExecutor, type SrvctlTarget } from './srvctl-executor';

export interface SrvctlTargetDeps {
  fetch?: typeof fetch;
  /** Timeout of the lab request (default 10 s) */
  labTimeoutMs?: number;
}

/** GET <lab url>/ssh, validated. Network failures are transient (SshUnreachable); a bad answer is permanent. */
export async function labSshEndpoint(labUrl: string, deps: SrvctlTargetDeps = {}): Promise<LabSshAnswer> {
  const url = `${labUrl.replace(/\/+$/, '')}/ssh`;
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(url, { signal: AbortSignal.timeout(deps.labTimeoutMs ?? 10_000) });
  } catch (e) {
    throw new SshError('SshUnreachable', url, `the lab did not answer (${(e as Error).message})`);
  }
  if (!res.ok) throw new SshError(res.status >= 500 ? 'SshUnreachable' : 'LabSshAnswerInvalid', url, `the lab answered HTTP ${res.status}`);
  const parsed = labSshAnswerSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) {
    const path = parsed.error.issues[0]!.path.join('.') || '(answer)';
    throw new SshError('LabSshAnswerInvalid', url, `the lab's SSH endpoint is not usable: ${path}: ${firstRule(parsed.error)}`);
  }
  return parsed.data;
}

function labNode(answer: LabSshAnswer): SshNode {
  return {
    host: answer.host,
    port: answer.port,
    user: answer.user,
    hostKey: answer.hostKey,
    privateKey: () => {
      try {
        return readFileSync(answer.privateKeyFile);
      } catch {
        throw new SshError('SshKeyUnreadable', `${answer.host}:${answer.port}`, `the lab's client key file ${answer.privateKeyFile} cannot be read`);
      }
    },
  };
}

/** The srvctl target of `cdb` (an estate CDB with a `srvctl` object), or an InputError naming the field. */
export async function srvctlTargetOf(estate: EstateConfig, cdb: string, deps: SrvctlTargetDeps = {}): Promise<SrvctlTarget> {
  const key = requireCdb(estate, 'cdb', cdb);
  const cfg = estate.cdbs[key]!;
  if (!cfg.srvctl) {
    throw new InputError(`cdbs.${key}.srvctl`, 'is not set: orb reaches srvctl only for CDBs whose estate entry has a "srvctl" object');
  }
  if (cfg.adapter === 'lab') {
    const answer = await labSshEndpoint(cfg.url ?? estate.lab.url, deps);
    // Without a path in the estate: the Grid home's srvctl the lab says its nodes have (the last it lists).
    const advertised = Object.entries(answer.srvctl ?? {}).find(([c]) => c.toUpperCase() === key.toUpperCase())?.[1].at(-1);
    const path = cfg.srvctl.path ?? advertised ?? DEFAULT_SRVCTL_PATH;
    return { db: labSrvctlDb(key, cfg.srvctl), path, nodes: [labNode(answer)], lab: true };
  }
  const nodes = cfg.srvctl.nodes.map((n, i): SshNode => ({
    host: n.host,
    ...(n.name ? { name: n.name } : {}),
    port: n.port,
    user: n.user,
    hostKey: n.hostKey,
    privateKey: () => readSecret(n.privateKey, `cdbs.${key}.srvctl.nodes[${i}].privateKey`),
  }));
  return { db: cfg.srvctl.db, path: cfg.srvctl.path, nodes };
}

/** An executor for `cdb`'s srvctl. */
export async function srvctlExecutorFor(
  estate: EstateConfig,
  cdb: string,
  deps: SrvctlTargetDeps = {},
  limits: SrvctlExecOptions = {},
): Promise<SrvctlExecutor> {
  return srvctlExecutor(await srvctlTargetOf(estate, cdb, deps), limits);
}
