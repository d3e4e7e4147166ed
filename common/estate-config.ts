import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from './input-error';
import { oracleIdentifier, dbLinkName } from './identifiers';
import { fileNamePattern } from './file-names';
import { autonomousDatabase, consumerName, LAB_WALLET_PASSWORD, ociSettings, oicInstance, secretRef, type SecretRef } from './cloud-estate';
import { labSrvctlSchema, oracledbSrvctlSchema } from './srvctl/srvctl-estate';
import { dbUniqueName } from './srvctl/names';
import { maintenanceCommandsSchema } from './rac/maintenance-command';

/**
 * The estate configuration file: which CDBs orb may touch, how it reaches each one,
 * the database links between them, and who may approve gates. Credentials are given
 * by reference only ({ env } or { file }); they are read by the worker's activities
 * when a connection is opened, and never enter a workflow input, result or history.
 *
 * Looked up from --estate, then $ORB_ESTATE, then ./orb.estate.json; with none of them,
 * the embedded default (the lab's demo estate) is used.
 */

export type { SecretRef } from './cloud-estate';

const identifierKey = (what: string) =>
  z.string().superRefine((v, ctx) => {
    try {
      oracleIdentifier(what, v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });

/** A CDB reached through srvctl is Clusterware-managed: "clusterware": false beside "srvctl" contradicts it. */
function srvctlImpliesClusterware(c: { clusterware?: boolean; srvctl?: unknown }, ctx: z.RefinementCtx) {
  if (c.srvctl !== undefined && c.clusterware === false) {
    ctx.addIssue({ code: 'custom', path: ['clusterware'], message: 'cannot be false for a CDB with srvctl (srvctl means Oracle Clusterware manages it)' });
  }
}

/** Maintenance commands run over SSH on the nodes srvctl reaches: without srvctl there is no node to run them on. */
function maintenanceNeedsSrvctl(c: { srvctl?: unknown; maintenance?: unknown }, ctx: z.RefinementCtx) {
  if (c.maintenance !== undefined && c.srvctl === undefined) {
    ctx.addIssue({ code: 'custom', path: ['maintenance'], message: 'needs "srvctl": maintenance commands run over SSH on the nodes srvctl reaches' });
  }
}

/** A CDB with srvctl is Clusterware-managed whether or not the file says "clusterware": true. */
function withClusterwareImplied<T extends { clusterware?: boolean; srvctl?: unknown }>(c: T): T {
  return c.srvctl !== undefined ? { ...c, clusterware: true } : c;
}

const labCdb = z
  .object({
    adapter: z.literal('lab'),
    /** Lab URL for this CDB; defaults to the estate's lab.url */
    url: z.string().url().optional(),
    /** Oracle Clusterware / Oracle Restart manage this CDB's services: they are drained with srvctl, not DBMS_SERVICE */
    clusterware: z.boolean().optional(),
    /** srvctl on the lab's simulated cluster: the lab serves its SSH endpoint (GET <lab url>/ssh); implies clusterware */
    srvctl: labSrvctlSchema.optional(),
    /** Named commands an instance's turn of rolling-maintenance may run on its node (common/rac/maintenance-command.ts) */
    maintenance: maintenanceCommandsSchema.optional(),
    /** The TDE keystore password of this CDB, used as KEYSTORE IDENTIFIED BY when it receives a PDB with encrypted data */
    keystorePassword: secretRef.optional(),
    /** Per source CDB: FILE_NAME_CONVERT pairs for a PDB relocated into this CDB when it has no Oracle Managed Files */
    fileNameConvert: z.record(z.string(), z.array(z.tuple([z.string().min(1), z.string().min(1)])).min(1)).optional(),
    dbLinks: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .superRefine(srvctlImpliesClusterware)
  .superRefine(maintenanceNeedsSrvctl);

const oracledbCdb = z
  .object({
    adapter: z.literal('oracledb'),
    /** Easy Connect string or TNS alias of the CDB root service */
    connectString: z.string().min(1),
    user: z.string().min(1),
    password: secretRef,
    privilege: z.enum(['SYSDBA', 'SYSOPER', 'SYSBACKUP', 'SYSDG', 'SYSKM']).optional(),
    /** Directory with tnsnames.ora / sqlnet.ora (thin mode) */
    configDir: z.string().optional(),
    /** Directory with ewallet.pem for mTLS (thin mode) */
    walletLocation: z.string().optional(),
    walletPassword: secretRef.optional(),
    /** Instances of a RAC CDB (INST_ID -> INSTANCE_NAME is read from GV$INSTANCE; this is only a hint) */
    instances: z.array(z.string()).optional(),
    /** Oracle Clusterware / Oracle Restart manage this CDB's services: they are drained with srvctl, not DBMS_SERVICE */
    clusterware: z.boolean().optional(),
    /** srvctl over SSH on the cluster's nodes (database unique name, srvctl path, nodes); implies clusterware */
    srvctl: oracledbSrvctlSchema.optional(),
    /** Named commands an instance's turn of rolling-maintenance may run on its node (common/rac/maintenance-command.ts) */
    maintenance: maintenanceCommandsSchema.optional(),
    /** The TDE keystore password of this CDB, used as KEYSTORE IDENTIFIED BY when it receives a PDB with encrypted data */
    keystorePassword: secretRef.optional(),
    /** Per source CDB: FILE_NAME_CONVERT pairs for a PDB relocated into this CDB when it has no Oracle Managed Files */
    fileNameConvert: z.record(z.string(), z.array(z.tuple([z.string().min(1), z.string().min(1)])).min(1)).optional(),
    dbLinks: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .superRefine(srvctlImpliesClusterware)
  .superRefine(maintenanceNeedsSrvctl);

const cdbSchema = z.discriminatedUnion('adapter', [labCdb, oracledbCdb], { error: 'adapter must be "lab" or "oracledb"' });
export type CdbConfig = z.infer<typeof cdbSchema>;

export const estateSchema = z
  .object({
    lab: z.object({ url: z.string().url().default('http://127.0.0.1:7480') }).strict().default({ url: 'http://127.0.0.1:7480' }),
    cdbs: z.record(identifierKey('cdbs key'), cdbSchema).default({}),
    /** How orb reaches OCI (Autonomous Databases with adapter "oci", Vault secrets) */
    oci: ociSettings.default({ auth: { type: 'config-file' } }),
    /** Oracle Integration instances, by name */
    oic: z.record(consumerName, oicInstance).default({}),
    /** Autonomous Databases orb may switch over, fail over and propagate wallets for, by name */
    autonomousDatabases: z.record(identifierKey('autonomousDatabases key'), autonomousDatabase).default({}),
    approvers: z
      .object({
        groups: z.record(z.string(), z.array(z.string().min(1))).default({}),
      })
      .strict()
      .default({ groups: {} }),
  })
  .strict()
  .refine((e) => Object.keys(e.cdbs).length + Object.keys(e.autonomousDatabases).length > 0, {
    message: 'must name at least one CDB (cdbs) or Autonomous Database (autonomousDatabases)',
  })
  .transform((e) => ({ ...e, cdbs: Object.fromEntries(Object.entries(e.cdbs).map(([k, c]) => [k, withClusterwareImplied(c)])) }));

export type EstateConfig = z.infer<typeof estateSchema>;

/**
 * The lab's cloud side as an estate names it (lab/oci/cloud-seed.ts, lab/oic/oic-seed.ts): its OIC
 * instance, SALESATP with its consumers and HRATP. `tnsAdminDir` is where the lab wrote SALESATP's
 * TNS_ADMIN directory (tns_admin/sales-app next to its state file).
 */
export function labCloudEstate(tnsAdminDir: string) {
  return {
    oic: { 'orb-oic': { adapter: 'lab' } },
    autonomousDatabases: {
      SALESATP: {
        adapter: 'lab',
        id: 'ocid1.autonomousdatabase.oc1.iad.aaaalabsalesatp0001',
        region: 'us-ashburn-1',
        peerIds: ['ocid1.autonomousdatabase.oc1.phx.aaaalabsalesatp0002'],
        consumers: {
          'oic-orders': { type: 'oic', instance: 'orb-oic', connection: 'SALES_ATP_ORDERS' },
          'oic-billing': { type: 'oic', instance: 'orb-oic', connection: 'SALES_ATP_BILLING' },
          'vault-wallet': { type: 'vault-secret', secretId: 'ocid1.vaultsecret.oc1.iad.aaaalabsaleswallet' },
          'app-tns': { type: 'tns-admin', directory: tnsAdminDir, alias: 'salesatp_high' },
        },
      },
      HRATP: { adapter: 'lab', id: 'ocid1.autonomousdatabase.oc1.iad.aaaalabhratp0001', region: 'us-ashburn-1', consumers: {} },
    },
  };
}

const LAB_MAINTENANCE = {
  'os-patch': { command: ['/opt/orb-lab/bin/maintain', '-node', '{node}', '-seconds', '120'], timeout: '30m', description: "the lab's node maintenance (2 simulated minutes)" },
};

/** The embedded default: the lab's demo seed (see lab/seeds.ts). */
export const DEFAULT_ESTATE: EstateConfig = estateSchema.parse({
  lab: { url: process.env.ORB_LAB_URL ?? 'http://127.0.0.1:7480' },
  cdbs: {
    CDB1: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
    CDB2: {
      adapter: 'lab',
      dbLinks: {
        CDB1: 'CDB1_LINK', CDB3: 'CDB3_LINK', CDB4: 'CDB4_LINK', RACCDB: 'RACCDB_LINK',
        FLEET1: 'FLEET1_LINK', FLEET2: 'FLEET2_LINK', FLEET3: 'FLEET3_LINK',
      },
    },
    CDB3: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
    CDB4: { adapter: 'lab', dbLinks: {} },
    // The lab's RAC CDBs (RACCDB: raccdb1/raccdb2 on racnode1/racnode2; TRICDB: three instances), maintained
    // through srvctl over SSH; "os-patch" is the lab's maintenance program (lab/RAC.md), 2 simulated minutes a node.
    RACCDB: { adapter: 'lab', srvctl: { db: 'raccdb' }, maintenance: LAB_MAINTENANCE, dbLinks: {} },
    TRICDB: { adapter: 'lab', srvctl: { db: 'tricdb' }, maintenance: LAB_MAINTENANCE, dbLinks: {} },
    // The lab's fleet CDBs (lab/fleet-seed.ts): they hold PDBs FL0001.. when the lab runs with --fleet-pdbs N.
    FLEET1: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
    FLEET2: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
    FLEET3: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
  },
  ...labCloudEstate(process.env.ORB_LAB_TNS_ADMIN ?? '.orb/tns_admin/sales-app'),
  approvers: { groups: { dbas: ['alice', 'bob', 'carol'], sre: ['dave', 'erin'] } },
});

function describe(err: z.ZodError, file: string): string {
  const lines: string[] = [];
  const walk = (issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]) => {
    for (const i of issues) {
      const path = [...prefix, ...i.path];
      // A record key that fails its own schema (e.g. a CDB name that is not an Oracle
      // identifier) carries the reason in nested issues; report those, not "Invalid key".
      if (i.code === 'invalid_key' && i.issues.length > 0) {
        walk(i.issues, path);
        continue;
      }
      lines.push(`${file}: ${path.length ? path.map(String).join('.') : '(top level)'}: ${i.message}`);
    }
  };
  walk(err.issues, []);
  return lines.join('\n');
}

export function parseEstate(raw: unknown, source = 'estate'): EstateConfig {
  const r = estateSchema.safeParse(raw);
  if (!r.success) throw new InputError('estate', `invalid configuration\n${describe(r.error, source)}`);
  // Link names must be valid identifiers, and point at CDBs the estate knows.
  for (const [cdb, cfg] of Object.entries(r.data.cdbs)) {
    if (cfg.adapter === 'lab' && cfg.srvctl && cfg.srvctl.db === undefined) {
      try {
        dbUniqueName(`${source}: cdbs.${cdb}.srvctl.db`, cdb.toLowerCase());
      } catch {
        throw new InputError(`${source}: cdbs.${cdb}.srvctl.db`, `is needed: the CDB name ${cdb} is not a database unique name srvctl can take (letters, digits and _, at most 30)`);
      }
    }
    for (const [src, link] of Object.entries(cfg.dbLinks)) {
      if (!r.data.cdbs[src]) throw new InputError(`${source}: cdbs.${cdb}.dbLinks.${src}`, `names CDB ${src}, which is not in cdbs`);
      dbLinkName(`${source}: cdbs.${cdb}.dbLinks.${src}`, link);
    }
    for (const [src, pairs] of Object.entries(cfg.fileNameConvert ?? {})) {
      const field = `${source}: cdbs.${cdb}.fileNameConvert.${src}`;
      if (!r.data.cdbs[src]) throw new InputError(field, `names CDB ${src}, which is not in cdbs`);
      pairs.forEach(([from, to], i) => {
        fileNamePattern(`${field}[${i}][0]`, from);
        fileNamePattern(`${field}[${i}][1]`, to);
      });
    }
  }
  for (const [db, cfg] of Object.entries(r.data.autonomousDatabases)) {
    for (const [name, c] of Object.entries(cfg.consumers)) {
      if (c.type === 'oic' && !r.data.oic[c.instance]) {
        const have = Object.keys(r.data.oic).join(', ') || 'none';
        throw new InputError(`${source}: autonomousDatabases.${db}.consumers.${name}.instance`, `names OIC instance ${c.instance}, which is not in oic (it has: ${have})`);
      }
      if (c.type === 'tns-admin' && cfg.adapter === 'oci' && (!c.user || !c.password)) {
        throw new InputError(`${source}: autonomousDatabases.${db}.consumers.${name}`, 'needs user and password (by reference) for its connection test');
      }
    }
  }
  return r.data;
}

/** The estate's name of an Autonomous Database (case-insensitive), or a clear error. */
export function requireAdb(estate: EstateConfig, field: string, name: unknown): string {
  const id = oracleIdentifier(field, name);
  const key = Object.keys(estate.autonomousDatabases).find((k) => k.toUpperCase() === id);
  if (!key) {
    const have = Object.keys(estate.autonomousDatabases).join(', ') || 'none';
    throw new InputError(field, `unknown Autonomous Database ${JSON.stringify(name)}: the estate knows ${have}`);
  }
  return key;
}

/** The wallet password of a database: its reference read by the worker, or the lab's own for a lab database. */
export function walletPasswordOf(estate: EstateConfig, db: string): string {
  const cfg = estate.autonomousDatabases[db];
  if (!cfg) throw new InputError('database', `unknown Autonomous Database ${db}`);
  if (cfg.walletPassword) return readSecret(cfg.walletPassword, `autonomousDatabases.${db}.walletPassword`);
  if (cfg.adapter === 'lab') return LAB_WALLET_PASSWORD;
  throw new InputError(`autonomousDatabases.${db}.walletPassword`, 'is needed to generate the wallet (a reference: { "env": ... } or { "file": ... })');
}

export function estatePath(explicit?: string): string | null {
  const p = explicit ?? process.env.ORB_ESTATE ?? (existsSync('orb.estate.json') ? 'orb.estate.json' : undefined);
  return p ?? null;
}

export function loadEstate(explicit?: string): EstateConfig {
  const p = estatePath(explicit);
  if (!p) return DEFAULT_ESTATE;
  if (!existsSync(p)) throw new InputError('estate', `file ${p} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new InputError('estate', `${p} is not valid JSON: ${(e as Error).message}`);
  }
  return parseEstate(raw, p);
}

/** Upper-cased CDB name as the estate knows it, or a clear error. */
export function requireCdb(estate: EstateConfig, field: string, name: unknown): string {
  const id = oracleIdentifier(field, name);
  const key = Object.keys(estate.cdbs).find((k) => k.toUpperCase() === id);
  if (!key) throw new InputError(field, `unknown CDB ${JSON.stringify(name)}: the estate knows ${Object.keys(estate.cdbs).join(', ')}`);
  return key;
}

/**
 * The keystore password as KEYSTORE IDENTIFIED BY takes it: a double-quoted identifier (DDL takes
 * no binds), so one with a double quote or a control character is refused rather than quoted.
 * UNVERIFIED against a live CDB: that the quoted form is accepted exactly like ADMINISTER KEY
 * MANAGEMENT's IDENTIFIED BY "password". Worker side only (reads the secret).
 */
export function keystoreLiteral(ref: SecretRef | undefined, field: string): string {
  if (!ref) throw new InputError(field, 'is needed: the PDB has encrypted data (TDE) and the CREATE must name the keystore password');
  const password = readSecret(ref, field);
  if (!/^[^"\u0000-\u001f]{1,128}$/.test(password)) throw new InputError(field, 'must be 1 to 128 characters without a double quote or control character');
  return `"${password}"`;
}

/** Why the keystore password cannot be used (not readable here, not quotable), or null; never the password. */
export function keystoreProblem(ref: SecretRef | undefined, field: string): string | null {
  try {
    keystoreLiteral(ref, field);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** How a secret reference reads in a plan or a log: where the secret comes from, never the secret. */
export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/** Reads a secret reference. Worker side only: never call this from client or workflow code. */
export function readSecret(ref: SecretRef, field: string): string {
  if ('env' in ref) {
    const v = process.env[ref.env];
    if (v === undefined) throw new InputError(field, `environment variable ${ref.env} is not set`);
    return v;
  }
  if (!existsSync(ref.file)) throw new InputError(field, `secret file ${ref.file} does not exist`);
  return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
}
