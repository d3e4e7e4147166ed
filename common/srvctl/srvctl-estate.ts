/**
 * The estate file's `srvctl` object on a CDB: how orb reaches srvctl for a Clusterware-managed CDB.
 *
 *   oracledb: { "db": "raccdb", "path": "/u01/app/19.0.0/grid/bin/srvctl",
 *               "nodes": [{ "host": "racnode1", "port": 22, "user": "grid",
 *                           "hostKey": "ssh-ed25519 AAAA...", "privateKey": { "file": "/etc/orb/grid_ed25519" } }] }
 *   lab:      { "db": "raccdb", "path": "/u01/app/19.0.0/grid/bin/srvctl" }   (both optional)
 *
 * A lab CDB's SSH endpoint comes from the lab itself (GET <lab url>/ssh, `labSshAnswerSchema`). The
 * private key is a secret reference, read by the worker when it connects; the host key is a
 * known-hosts entry (known-host.ts), never learnt on first use.
 */
import { z } from 'zod';
import { secretRef } from '../cloud-estate';
import { hostKeySchema } from './known-host';
import { dbUniqueNameSchema, nodeNameSchema, srvctlPathSchema } from './names';

/** Where srvctl is when the estate does not say (a lab CDB): the 19c Grid home's. */
export const DEFAULT_SRVCTL_PATH = '/u01/app/19.0.0/grid/bin/srvctl';

const HOST_RULE = 'must be a host name (letters, digits, . and -, beginning with a letter or digit) or an IP address';
export const sshHostSchema = z
  .string({ error: HOST_RULE })
  .max(253, 'must be at most 253 characters')
  .refine((h) => /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(h) || (h.includes(':') && /^[0-9A-Fa-f:.]+$/.test(h)), HOST_RULE);

export const sshPortSchema = z
  .number({ error: 'must be a TCP port number' })
  .int('must be a whole number')
  .min(1, 'must be 1 to 65535')
  .max(65535, 'must be 1 to 65535');

export const sshUserSchema = z
  .string({ error: 'must be a user name' })
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, 'must be a user name: a letter or _, then letters, digits, _ . -, at most 32 characters');

export const srvctlNodeSchema = z
  .object({
    host: sshHostSchema,
    /** Its Clusterware node name (srvctl's "on node X"), when that is not the host name's first label */
    name: nodeNameSchema.optional(),
    port: sshPortSchema.default(22),
    /** The grid or oracle software owner */
    user: sshUserSchema,
    /** The node's known-hosts entry: its public host key line or SHA256 fingerprint */
    hostKey: hostKeySchema,
    /** The client's private key (OpenSSH or PEM, unencrypted), by reference */
    privateKey: secretRef,
  })
  .strict();
export type SrvctlNodeConfig = z.infer<typeof srvctlNodeSchema>;

export const oracledbSrvctlSchema = z
  .object({
    /** The database unique name srvctl knows the CDB by (-db) */
    db: dbUniqueNameSchema,
    /** srvctl under the Grid (or database) home on the nodes */
    path: srvctlPathSchema,
    /** The cluster's nodes, tried in order when one cannot be reached */
    nodes: z.array(srvctlNodeSchema).min(1, 'must list at least one node').max(32, 'must list at most 32 nodes'),
  })
  .strict();
export type OracledbSrvctlConfig = z.infer<typeof oracledbSrvctlSchema>;

export const labSrvctlSchema = z
  .object({
    /** Defaults to the CDB's name in lower case */
    db: dbUniqueNameSchema.optional(),
    /** Defaults to DEFAULT_SRVCTL_PATH */
    path: srvctlPathSchema.optional(),
  })
  .strict();
export type LabSrvctlConfig = z.infer<typeof labSrvctlSchema>;

/** The lab's answer to GET <lab url>/ssh: its SSH server and the client key it accepts. */
export const labSshAnswerSchema = z.object({
  host: sshHostSchema,
  port: sshPortSchema,
  user: sshUserSchema,
  hostKey: hostKeySchema,
  privateKeyFile: z.string({ error: 'must be an absolute path' }).regex(/^\/[^\u0000-\u001f]*$/, 'must be an absolute path'),
  /** Per lab CDB, the srvctl paths its nodes have (Oracle home's, then Grid home's) */
  srvctl: z.record(z.string(), z.array(z.string())).optional(),
});
export type LabSshAnswer = z.infer<typeof labSshAnswerSchema>;

/** The -db of a lab CDB: as configured, else the CDB's name in lower case (RACCDB -> raccdb). */
export function labSrvctlDb(cdb: string, cfg: LabSrvctlConfig): string {
  return cfg.db ?? cdb.toLowerCase();
}
