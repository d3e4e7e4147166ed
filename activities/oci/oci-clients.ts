/**
 * The real OCI SDK clients orb uses (modular packages, all pinned to one version in
 * package.json: oci-common, oci-database, oci-workrequests, oci-vault, oci-secrets), built the way a durable runbook
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
import { VaultsClient } from 'oci-vault';
import { SecretsClient } from 'oci-secrets';
import { generateKeyPairSync } from 'node:crypto';
import { meteredOciClient } from './metered-oci';

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
  vaults: VaultsClient;
  secrets: SecretsClient;
}

let labProvider: common.SimpleAuthenticationDetailsProvider | null = null;

/**
 * The lab's OCI: requests are signed as for OCI, with a key made for this process (the lab checks
 * the signature's form, it does not know anyone's public key). Never used for a real region.
 */
export function labAuthProvider(): common.AuthenticationDetailsProvider {
  if (!labProvider) {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    labProvider = new common.SimpleAuthenticationDetailsProvider(
      'ocid1.tenancy.oc1..aaaaaaaalab', 'ocid1.user.oc1..aaaaaaaaorbworker', 'la:bo:rb', privateKey, null, common.Region.US_ASHBURN_1,
    );
  }
  return labProvider;
}

/**
 * Clients for one region (or, with `endpoint`, for one base URL such as the lab's). A role change
 * of a cross-region standby is asked in the standby's region, so callers make one set per region.
 */
export function ociClients(provider: common.AuthenticationDetailsProvider, where: { region?: string; endpoint?: string }): OciClients {
  const params = { authenticationDetailsProvider: provider };
  const database = new DatabaseClient(params, noSdkRetries());
  const workRequests = new WorkRequestClient(params, noSdkRetries());
  const vaults = new VaultsClient(params, noSdkRetries());
  const secrets = new SecretsClient(params, noSdkRetries());
  for (const client of [database, workRequests, vaults, secrets]) {
    if (where.endpoint) client.endpoint = where.endpoint;
    else if (where.region) client.regionId = where.region;
  }
  // orb_oci_* metrics (README "Metrics"): every API call counted and timed, by client.method and code.
  return {
    database: meteredOciClient('database', database),
    workRequests: meteredOciClient('workRequests', workRequests),
    vaults: meteredOciClient('vaults', vaults),
    secrets: meteredOciClient('secrets', secrets),
  };
}
