import { requireAdb, readSecret, walletPasswordOf, type EstateConfig } from '../../common/estate-config';
import { InputError } from '../../common/input-error';
import type { AdbAccess } from '../adb/cloud-access';
import type { ConsumerAdapter } from './consumer';
import { tnsAdminConsumer } from './tns-admin-consumer';
import { labConnectTest, oracledbConnectTest } from './tns-connect';
import { vaultConsumer } from './vault-consumer';

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
      return oicAdapter(estate, access, consumer, c.instance, c.connection);
  }
}

// Filled in by the OIC adapter (activities/oic): kept apart so the kinds stay one file each.
let oicAdapter: (estate: EstateConfig, access: AdbAccess, consumer: string, instance: string, connection: string) => Promise<ConsumerAdapter> =
  async (_e, _a, consumer) => {
    throw new InputError('consumer', `${consumer}: OIC consumers are not available in this build`);
  };

export function registerOicAdapter(fn: typeof oicAdapter): void {
  oicAdapter = fn;
}
