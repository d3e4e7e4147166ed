/**
 * The real OCI SDK clients orb uses (modular packages, all pinned to one version in
 * package.json: oci-common, oci-database, oci-workrequests), built the way a durable runbook
 * needs them:
 *  - the SDK's own retries off (one attempt: MaxAttemptsTerminationStrategy(1)) and no circuit
 *    breaker (disableClientCircuitBreaker): the activity's retry policy decides, after
 *    common/oci-errors.ts has classified the failure;
 *  - authentication as OCI users expect it: a config-file profile, instance principals or
 *    resource principals; keys and passphrases stay in the files and the environment the
 *    provider reads, never in an input;
 *  - an endpoint override (`client.endpoint`), so the same clients can run against the lab's
 *    OCI REST paths (the SDK appends `/20160918`).
 */
import * as common from 'oci-common';
import { DatabaseClient } from 'oci-database';
import { WorkRequestClient } from 'oci-workrequests';

export type OciAuth =
  | { type: 'config-file'; file?: string; profile?: string }
  | { type: 'instance-principal' }
  | { type: 'resource-principal' };

/** No SDK retry and no circuit breaker: Temporal's retry policy is the only one. */
export function noSdkRetries(): common.ClientConfiguration {
  return {
    retryConfiguration: { terminationStrategy: new common.MaxAttemptsTerminationStrategy(1) },
    circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }),
  };
}

/** The authentication provider for an estate's OCI settings. */
export async function ociAuthProvider(auth: OciAuth): Promise<common.AuthenticationDetailsProvider> {
  switch (auth.type) {
    case 'config-file':
      return new common.ConfigFileAuthenticationDetailsProvider(auth.file, auth.profile);
    case 'instance-principal':
      return new common.InstancePrincipalsAuthenticationDetailsProviderBuilder().build();
    case 'resource-principal':
      return common.ResourcePrincipalAuthenticationDetailsProvider.builder();
  }
}

export interface OciClients {
  database: DatabaseClient;
  workRequests: WorkRequestClient;
}

/**
 * Clients for one region (or, with `endpoint`, for one base URL such as the lab's). A role change
 * of a cross-region standby is asked in the standby's region, so callers make one set per region.
 */
export function ociClients(provider: common.AuthenticationDetailsProvider, where: { region?: string; endpoint?: string }): OciClients {
  const params = { authenticationDetailsProvider: provider };
  const database = new DatabaseClient(params, noSdkRetries());
  const workRequests = new WorkRequestClient(params, noSdkRetries());
  for (const client of [database, workRequests]) {
    if (where.endpoint) client.endpoint = where.endpoint;
    else if (where.region) client.regionId = where.region;
  }
  return { database, workRequests };
}
