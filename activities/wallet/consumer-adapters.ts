import { requireAdb, readSecret, walletPasswordOf, type EstateConfig } from '../../common/estate-config';
import { InputError } from '../../common/input-error';
import type { AdbAccess } from '../adb/cloud-access';
import type { ConsumerAdapter } from './consumer';
import { tnsAdminConsumer } from './tns-admin-consumer';
import { labConnectTest, oracledbConnectTest } from './tns-connect';
import { vaultConsumer } from './vault-consumer';
import { OicClient } from '../oic/oic-client';
import { oicConsumer } from '../oic/oic-consumer';
import { LAB_OIC_PASSWORD, LAB_OIC_USER } from '../../common/cloud-estate';

/** The adapter for one consumer of a database's wallet, as the estate describes it. */
export async function consumerAdapter(estate: EstateConfig, access: AdbAccess, consumer: string): Promise<ConsumerAdapter> {
  const db = requireAdb(estate, 'database', access.name);
  const c = access.cfg.consumers[consumer];
  if (!c) {
    const have = Object.keys(access.cfg.consumers).join(', ') || 'none';
    throw new InputError('consumer', `${db} has no consumer ${JSON.stringify(consumer)} (it has: ${have})`);
  }
  const field = `autonomousDatabases.${db}.consumers.${consumer}`;
  switch (c.type) {
    case 'vault-secret':
      return vaultConsumer(await access.clients(c.region ?? access.cfg.region), c.secretId, `Vault secret ${consumer} (${c.secretId.slice(-16)})`);
    case 'tns-admin': {
      const test = access.labUrl
        ? labConnectTest(access.labUrl)
        : oracledbConnectTest(
            () => c.user ?? '',
            () => readSecret(c.password!, `${field}.password`),
            () => walletPasswordOf(estate, db),
          );
      return tnsAdminConsumer(c.directory, c.alias, test, `TNS_ADMIN ${consumer} (${c.directory})`);
    }
    case 'oic':
      return oicConsumer(oicClient(estate, c.instance), { connectionId: c.connection, instance: c.instance, dbName: db });
  }
}

/** The OIC client for an instance of the estate: the real REST client, pointed at the lab for a lab instance. */
function oicClient(estate: EstateConfig, instance: string): OicClient {
  const cfg = estate.oic[instance];
  if (!cfg) throw new InputError('instance', `the estate has no OIC instance ${JSON.stringify(instance)}`);
  const field = `oic.${instance}`;
  if (cfg.adapter === 'lab') {
    // The lab's OIC (lab/OIC.md) takes Basic auth with its own lab-only password, Gen2 style.
    return new OicClient({
      baseUrl: estate.lab.url,
      auth: { type: 'basic', username: LAB_OIC_USER, password: { env: 'ORB_LAB_OIC_PASSWORD' } },
      resolveSecret: () => LAB_OIC_PASSWORD,
    });
  }
  const auth = cfg.auth.type === 'basic'
    ? { type: 'basic' as const, username: cfg.auth.user, password: cfg.auth.password }
    : { type: 'oauth2' as const, tokenUrl: cfg.auth.tokenUrl, clientId: cfg.auth.clientId, clientSecret: cfg.auth.clientSecret, scope: cfg.auth.scope };
  return new OicClient({
    baseUrl: cfg.url,
    ...(cfg.integrationInstance ? { integrationInstance: cfg.integrationInstance } : {}),
    auth,
    resolveSecret: (ref) => readSecret(ref, `${field}.auth`),
  });
}
