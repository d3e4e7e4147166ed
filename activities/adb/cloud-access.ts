import type * as common from 'oci-common';
import type { AutonomousDatabaseConfig } from '../../common/cloud-estate';
import { requireAdb, type EstateConfig } from '../../common/estate-config';
import { labAuthProvider, ociAuthProvider, ociClients, type OciClients } from '../oci/oci-clients';

/**
 * How the worker reaches one Autonomous Database's cloud: OCI clients per region (the real SDK;
 * for a lab database pointed at the lab's OCI paths, `<lab url>/oci/<region>`), and for a lab
 * database the lab's URL (its OIC API and the connect test of TNS_ADMIN consumers).
 */
export interface AdbAccess {
  /** The estate's name of the database */
  name: string;
  cfg: AutonomousDatabaseConfig;
  /** The lab's base URL for a lab database, null for a real one */
  labUrl: string | null;
  clients(region: string): Promise<OciClients>;
}

export function adbAccessFactory(estate: EstateConfig): (database: string) => AdbAccess {
  let provider: Promise<common.AuthenticationDetailsProvider> | null = null;
  const cache = new Map<string, OciClients>();
  return (database) => {
    const name = requireAdb(estate, 'database', database);
    const cfg = estate.autonomousDatabases[name]!;
    const labUrl = cfg.adapter === 'lab' ? estate.lab.url.replace(/\/+$/, '') : null;
    return {
      name,
      cfg,
      labUrl,
      async clients(region) {
        const key = `${labUrl ?? 'oci'} ${region}`;
        const hit = cache.get(key);
        if (hit) return hit;
        const made = labUrl
          ? ociClients(labAuthProvider(), { endpoint: `${labUrl}/oci/${region}` })
          : ociClients(await (provider ??= ociAuthProvider(estate.oci.auth)), { region });
        cache.set(key, made);
        return made;
      },
    };
  };
}
