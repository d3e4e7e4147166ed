import { z } from 'zod';

/**
 * The estate file's cloud parts (issue 6): how orb reaches OCI and Oracle Integration, and the
 * Autonomous Databases it may switch over, fail over and propagate wallets for, each with the
 * consumers of its wallet. Secrets by reference only ({ env } / { file }), read by the worker.
 */

const SECRET_BY_REFERENCE =
  'must be a reference to the secret, { "env": "VARIABLE" } or { "file": "/path/to/file" }, never the secret itself';
export const secretRef = z.union(
  [
    z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
    z.object({ file: z.string().min(1) }).strict(),
  ],
  { error: SECRET_BY_REFERENCE },
);
export type SecretRef = z.infer<typeof secretRef>;

/** OCI region identifiers (us-ashburn-1, eu-frankfurt-1, ...). */
export const regionName = z.string().regex(/^[a-z]{2,}(-[a-z]+)+-\d{1,2}$/, 'must be an OCI region identifier such as us-ashburn-1');

/** An OCID: ocid1.<type>.<realm>.[region][.future].<unique> (lower-case letters, digits, dots, hyphens, underscores). */
export function ocid(type: string) {
  return z
    .string()
    .max(255, 'must be at most 255 characters')
    .regex(new RegExp(`^ocid1\\.${type}\\.[a-z0-9]+\\.[a-z0-9-]*(\\.[a-z0-9_-]+)+$`, 'i'), `must be an OCID of a ${type} (ocid1.${type}.<realm>.<region>.<unique>)`);
}

/** Consumer and database names in the estate: what operators type and gates are named after. */
export const consumerName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'must start with a letter and hold at most 40 letters, digits, "_" or "-"');

const ociAuth = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('config-file'), file: z.string().min(1).optional(), profile: z.string().min(1).optional() }).strict(),
    z.object({ type: z.literal('instance-principal') }).strict(),
    z.object({ type: z.literal('resource-principal') }).strict(),
  ],
  { error: 'type must be "config-file", "instance-principal" or "resource-principal"' },
);
export type OciAuthConfig = z.infer<typeof ociAuth>;

export const ociSettings = z
  .object({
    /** How orb authenticates to OCI (default: the config file ~/.oci/config, profile DEFAULT) */
    auth: ociAuth.default({ type: 'config-file' }),
  })
  .strict();

const oicAuth = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('basic'), user: z.string().min(1), password: secretRef }).strict(),
    z
      .object({
        type: z.literal('oauth'),
        /** The IAM identity domain's token endpoint, e.g. https://idcs-....identity.oraclecloud.com/oauth2/v1/token */
        tokenUrl: z.string().url(),
        clientId: z.string().min(1),
        clientSecret: secretRef,
        /** e.g. https://<audience>urn:opc:resource:consumer::all */
        scope: z.string().min(1),
      })
      .strict(),
  ],
  { error: 'type must be "basic" or "oauth"' },
);

const labOic = z.object({ adapter: z.literal('lab'), integrationInstance: z.string().min(1).optional() }).strict();
const realOic = z
  .object({
    adapter: z.literal('oic'),
    /** The instance's design-time URL, e.g. https://myinstance-abcd-ia.integration.us-ashburn-1.ocp.oraclecloud.com */
    url: z.string().url(),
    /** OIC 3 (Gen3): the integration instance name every call must name */
    integrationInstance: z.string().min(1).optional(),
    auth: oicAuth,
  })
  .strict();
export const oicInstance = z.discriminatedUnion('adapter', [labOic, realOic], { error: 'adapter must be "lab" or "oic"' });
export type OicInstanceConfig = z.infer<typeof oicInstance>;

const oicConsumer = z
  .object({
    type: z.literal('oic'),
    /** An instance named in the estate's oic section */
    instance: z.string().min(1),
    /** The connection identifier, e.g. SALES_ATP_ORDERS */
    connection: z.string().regex(/^[A-Z0-9_]{1,64}$/, 'must be an OIC connection identifier (A-Z, 0-9, _)'),
  })
  .strict();

const vaultConsumer = z
  .object({
    type: z.literal('vault-secret'),
    secretId: ocid('vaultsecret'),
    /** The secret's region (default: the database's primary region) */
    region: regionName.optional(),
  })
  .strict();

const tnsAdminConsumer = z
  .object({
    type: z.literal('tns-admin'),
    /** The TNS_ADMIN directory applications read (tnsnames.ora, sqlnet.ora, ewallet.pem, cwallet.sso) */
    directory: z.string().min(1),
    /** The tnsnames.ora alias the test connects with, e.g. salesatp_high */
    alias: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/, 'must be a tnsnames.ora alias'),
    /** The database user the test connects as (any user: it reads SYS_CONTEXT('USERENV','DATABASE_ROLE')) */
    user: z.string().min(1).optional(),
    password: secretRef.optional(),
  })
  .strict();

export const consumerSchema = z.discriminatedUnion('type', [oicConsumer, vaultConsumer, tnsAdminConsumer], {
  error: 'type must be "oic", "vault-secret" or "tns-admin"',
});
export type ConsumerConfig = z.infer<typeof consumerSchema>;

export const autonomousDatabase = z
  .object({
    /** lab: OCI, OIC and the connect test go to the lab (estate lab.url); oci: the real OCI APIs */
    adapter: z.enum(['lab', 'oci']),
    /** The OCID of the database orb starts from (either member of its Autonomous Data Guard pair) */
    id: ocid('autonomousdatabase'),
    region: regionName,
    /** The other members' OCIDs (cross-region standbys), so events that name them are recognised (orb events) */
    peerIds: z.array(ocid('autonomousdatabase')).max(8).default([]),
    /** The wallet password orb generates wallets with (the same on primary and standby). Lab: defaults to the lab's */
    walletPassword: secretRef.optional(),
    /** Who uses this database's wallet, by name (names are used in gates and the status) */
    consumers: z.record(consumerName, consumerSchema).default({}),
  })
  .strict();
export type AutonomousDatabaseConfig = z.infer<typeof autonomousDatabase>;

/** The lab's wallet password (lab/oci/cloud-seed.ts): a lab-only value, not a secret anywhere else. */
export const LAB_WALLET_PASSWORD = 'Welcome_12345';
/** The lab's Basic credentials for its OIC API (lab/OIC.md): lab-only values. */
export const LAB_OIC_USER = 'orb';
export const LAB_OIC_PASSWORD = 'lab';
