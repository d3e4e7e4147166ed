import { createHash } from 'node:crypto';
import { currentRun } from '../run-identity';

/**
 * opc-retry-token for a step of a run: the same on every attempt of the step, different for every run and
 * step (at most 64 characters, as OCI requires). OCI answers a repeated request with the first one's answer
 * for as long as it keeps the token (oracle-ops.md: 24 hours), so a lost answer is not a second change.
 */
export function retryToken(step: string): string {
  const { workflowId, runId } = currentRun();
  return `orb-${createHash('sha256').update(`${workflowId}\n${runId}\n${step}`).digest('hex').slice(0, 56)}`;
}
