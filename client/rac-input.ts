/** `orb start|plan rolling-maintenance` options → the runbook's input, checked by the schema the workflow uses. */
import { InputError, firstProblem } from '../common/input-error';
import type { EstateConfig } from '../common/estate-config';
import { requireCdb } from '../common/estate-config';
import { DRAIN_TIMEOUT_MAX_MS } from '../common/relocate-input-schema';
import type { OnDrainTimeout } from '../common/runbook-types';
import { parseRollingInput, REBALANCE_TIMEOUT_MAX_MS, type RollingMaintenanceInput } from '../common/rac/rolling-input';
import { DRAIN_TIMEOUT_DEFAULT, defaultStartedBy, durationWithin, gatePoliciesOf, listOf, oneOf, type GateOptions } from './relocate-input';
import { userName } from '../common/identifiers';

export interface RollingOptions extends GateOptions {
  cdb?: unknown;
  instances?: unknown;
  drainTimeout?: unknown;
  onDrainTimeout?: unknown;
  rebalanceTimeout?: unknown;
  maintenance?: unknown;
  /** --no-start-gate sets this to false */
  startGate?: boolean;
  startedBy?: unknown;
}

/** The option a field of the input comes from, for the schema's refusals. */
function optionOf(path: readonly PropertyKey[]): string {
  const [top, sub] = path.map(String);
  if (top === 'drain') return sub === 'onTimeout' ? '--on-drain-timeout' : '--drain-timeout';
  if (top === 'gates') return '--approvers / --required-approvals';
  return { cdb: '--cdb', instances: '--instances', maintenance: '--maintenance', rebalanceTimeoutMs: '--rebalance-timeout', startedBy: '--started-by' }[top ?? ''] ?? 'input';
}

/** --maintenance: a command the estate defines for the CDB (the run checks it again, on each node, at preflight). */
function maintenanceOf(value: unknown, estate: EstateConfig, cdb: string): string | undefined {
  if (value === undefined) return undefined;
  const known = Object.keys(estate.cdbs[cdb]!.maintenance ?? {});
  if (typeof value !== 'string' || !known.includes(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : 'that';
    throw new InputError('--maintenance', `${shown} is not a maintenance command of ${cdb} in the estate file; known: ${known.length ? known.join(', ') : `none (define them under cdbs.${cdb}.maintenance)`}`);
  }
  return value;
}

export function buildRollingInput(opts: RollingOptions, estate: EstateConfig, env: NodeJS.ProcessEnv = process.env): RollingMaintenanceInput {
  if (opts.cdb === undefined) throw new InputError('--cdb', 'is required (the Clusterware-managed CDB, by its name in the estate)');
  const cdb = requireCdb(estate, '--cdb', opts.cdb);
  if (!estate.cdbs[cdb]!.srvctl) throw new InputError('--cdb', `${cdb} has no srvctl in the estate: a rolling maintenance needs Clusterware (cdbs.${cdb}.srvctl)`);
  const instances = opts.instances === undefined ? undefined : listOf(opts.instances);
  if (instances !== undefined && instances.length === 0) throw new InputError('--instances', 'must name at least one instance (or leave it out for all)');
  const timeoutMs = durationWithin('--drain-timeout', opts.drainTimeout ?? DRAIN_TIMEOUT_DEFAULT, DRAIN_TIMEOUT_MAX_MS, '24h');
  const onTimeout = oneOf<OnDrainTimeout>('--on-drain-timeout', opts.onDrainTimeout, ['disconnect', 'ask', 'abort'], 'ask');
  const noWait = typeof opts.rebalanceTimeout === 'string' && /^0+(ms|s|m|h)?$/.test(opts.rebalanceTimeout.trim());
  const rebalanceTimeoutMs = noWait ? 0 : durationWithin('--rebalance-timeout', opts.rebalanceTimeout ?? '5m', REBALANCE_TIMEOUT_MAX_MS, '6h');
  const maintenance = maintenanceOf(opts.maintenance, estate, cdb);
  const startedBy = userName('--started-by', opts.startedBy ?? defaultStartedBy(env));
  const { policy, operator } = gatePoliciesOf(opts, estate, startedBy);
  const input = {
    cdb,
    ...(instances ? { instances } : {}),
    ...(maintenance ? { maintenance } : {}),
    drain: { timeoutMs, onTimeout, pollMs: 1000 },
    rebalanceTimeoutMs,
    gates: { start: opts.startGate === false ? null : policy, maintenance: policy, operator },
    startedBy,
  };
  const r = parseRollingInput(input, optionOf);
  if (!r.ok) throw firstProblem(r.problems);
  return r.input;
}
