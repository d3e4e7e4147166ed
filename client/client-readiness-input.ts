/** `orb start client-readiness` options → the runbook's input, checked by the schema the workflow uses. */
import { InputError, firstProblem } from '../common/input-error';
import type { EstateConfig } from '../common/estate-config';
import { requireCdb } from '../common/estate-config';
import { userName } from '../common/identifiers';
import { DEFAULT_PROFILE, PROFILES } from '../common/readiness';
import { parseClientReadinessInput, type ClientReadinessInput } from '../common/readiness/client-readiness-input';
import { defaultStartedBy, gatePoliciesOf, oneOf, type GateOptions } from './relocate-input';

export interface ClientReadinessOptions extends GateOptions {
  cdb?: unknown;
  pdb?: unknown;
  service?: unknown;
  profile?: unknown;
  fix?: boolean;
  startedBy?: unknown;
}

/** The option a field of the input comes from, for the schema's refusals. */
function optionOf(path: readonly PropertyKey[]): string {
  const [top] = path.map(String);
  if (top === 'gates') return '--approvers / --required-approvals';
  return { cdb: '--cdb', pdb: '--pdb', service: '--service', profile: '--profile', startedBy: '--started-by' }[top ?? ''] ?? 'input';
}

export function buildClientReadinessInput(opts: ClientReadinessOptions, estate: EstateConfig, env: NodeJS.ProcessEnv = process.env): ClientReadinessInput {
  if (opts.cdb === undefined) throw new InputError('--cdb', 'is required (the CDB, by its name in the estate)');
  const cdb = requireCdb(estate, '--cdb', opts.cdb);
  const startedBy = userName('--started-by', opts.startedBy ?? defaultStartedBy(env));
  const { policy } = gatePoliciesOf(opts, estate, startedBy);
  const input = {
    cdb,
    ...(opts.pdb !== undefined ? { pdb: opts.pdb } : {}),
    ...(opts.service !== undefined ? { service: opts.service } : {}),
    profile: oneOf('--profile', opts.profile, PROFILES, DEFAULT_PROFILE),
    fix: opts.fix === true,
    gates: { fix: policy },
    startedBy,
  };
  const r = parseClientReadinessInput(input, optionOf);
  if (!r.ok) throw firstProblem(r.problems);
  return r.input;
}
