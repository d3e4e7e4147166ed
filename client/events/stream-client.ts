/**
 * The real StreamClient (oci-streaming, pinned with the other OCI packages) for `orb events
 * --stream`: no SDK retries and no circuit breaker (the poller backs off itself), pointed at the
 * stream pool's messages endpoint (OCI: "use the messages endpoint of the stream pool", e.g.
 * https://cell-1.streaming.us-ashburn-1.oci.oraclecloud.com; the SDK appends /20180418). For the
 * lab, a throw-away signing key: the lab checks that requests are signed, not by whom.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as common from 'oci-common';
import { StreamClient } from 'oci-streaming';
import { noSdkRetries } from '../../activities/oci/oci-clients';

export function eventStreamClient(provider: common.AuthenticationDetailsProvider, endpoint: string): StreamClient {
  const client = new StreamClient({ authenticationDetailsProvider: provider }, noSdkRetries());
  client.endpoint = endpoint.replace(/\/+$/, '');
  return client;
}

/** A signing identity that exists nowhere: only for the lab, which checks the signature's structure. */
export function throwAwayProvider(): common.AuthenticationDetailsProvider {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return new common.SimpleAuthenticationDetailsProvider(
    'ocid1.tenancy.oc1..orblab',
    'ocid1.user.oc1..orblab',
    '00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00',
    privateKey,
    null,
    common.Region.US_ASHBURN_1,
  );
}
