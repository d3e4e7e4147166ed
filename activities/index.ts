import { requireCdb, type EstateConfig } from '../common/estate-config';
import { openCdb } from './oracle/open-cdb';
import { relocationActivities, type OpenCdb } from './relocate-pdb';
import { approverCheck, gateApproverActivities } from './gate-approvers';

/**
 * Every activity the worker registers. Workflows import the type only
 * (`proxyActivities<OrbActivities>`); the implementations run in the worker, where the
 * estate file and the credentials it refers to are read.
 */
export function createActivities(estate: EstateConfig, opts: { openCdb?: OpenCdb; copyPollMs?: number } = {}) {
  const open = opts.openCdb ?? ((cdb: string) => openCdb(estate, cdb));
  const settingsOf = (cdb: string) => estate.cdbs[requireCdb(estate, 'cdb', cdb)] ?? {};
  return {
    ...relocationActivities(open, { copyPollMs: opts.copyPollMs, settingsOf, approvers: (gates) => approverCheck(estate, gates) }),
    ...gateApproverActivities(estate),
  };
}

export type OrbActivities = ReturnType<typeof createActivities>;
