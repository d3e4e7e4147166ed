/**
 * OCI Vault secrets (VaultsClient: GET/PUT /20180608/secrets/{id}, GET .../versions) and their
 * bundles (SecretsClient: GET /20190301/secretbundles/{id}). JSON shapes per the SDK models
 * (oci-vault Secret, SecretVersionSummary; oci-secrets SecretBundle). A secret holds at most 25 KB
 * of decoded content (OCI's documented limit); more is 400 InvalidParameter.
 */
import type { LabCloud, LabSecretVersion, LabVaultSecret } from '../cloud-model';
import { invalidParameter, notFound } from './oci-error';

export const SECRET_MAX_BYTES = 25 * 1024;
type Stage = LabSecretVersion['stages'][number];

export function requireSecret(cloud: LabCloud, id: string, region: string): LabVaultSecret {
  const s = cloud.secrets.find((x) => x.id.toLowerCase() === id.toLowerCase());
  if (!s || s.region !== region) throw notFound(`secret ${id} in ${region}`);
  return s;
}

export const currentVersion = (s: LabVaultSecret): LabSecretVersion | undefined => s.versions.find((v) => v.stages.includes('CURRENT'));

export function secretJson(s: LabVaultSecret): Record<string, unknown> {
  return {
    id: s.id,
    compartmentId: s.compartmentId,
    vaultId: s.vaultId,
    keyId: s.keyId,
    secretName: s.secretName,
    lifecycleState: s.lifecycleState,
    currentVersionNumber: currentVersion(s)?.versionNumber,
    timeCreated: s.versions[0]?.timeCreated,
  };
}

export function versionSummaries(s: LabVaultSecret): Record<string, unknown>[] {
  return [...s.versions].reverse().map((v) => ({
    secretId: s.id,
    versionNumber: v.versionNumber,
    stages: v.stages,
    timeCreated: v.timeCreated,
    contentType: 'BASE64',
  }));
}

function decodedSize(content: string): number {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content)) throw invalidParameter('secretContent.content must be base64');
  return Buffer.from(content, 'base64').length;
}

/** A new version with `stage` (CURRENT: the old CURRENT becomes PREVIOUS, the older PREVIOUS DEPRECATED). */
function addVersion(s: LabVaultSecret, content: string, stage: 'CURRENT' | 'PENDING', nowMs: number): LabSecretVersion {
  const size = decodedSize(content);
  if (size > SECRET_MAX_BYTES) {
    throw invalidParameter(`secretContent.content is ${size} bytes decoded; a secret holds at most ${SECRET_MAX_BYTES} bytes (25 KB)`);
  }
  const next = Math.max(0, ...s.versions.map((v) => v.versionNumber)) + 1;
  for (const v of s.versions) v.stages = v.stages.filter((x) => x !== 'LATEST' && !(stage === 'PENDING' && x === 'PENDING'));
  if (stage === 'CURRENT') promote(s);
  const timeCreated = new Date(nowMs).toISOString();
  const version: LabSecretVersion = { versionNumber: next, content, stages: [stage, 'LATEST'], timeCreated };
  s.versions.push(version);
  return version;
}

/** Demotes the CURRENT version to PREVIOUS and the PREVIOUS one to DEPRECATED. */
function promote(s: LabVaultSecret): void {
  for (const v of s.versions) {
    const demoted: Stage[] = v.stages.includes('CURRENT') ? ['PREVIOUS'] : v.stages.includes('PREVIOUS') ? ['DEPRECATED'] : [];
    v.stages = [...v.stages.filter((x) => x !== 'CURRENT' && x !== 'PREVIOUS'), ...demoted];
  }
}

export interface UpdateSecret {
  secretContent?: { contentType: 'BASE64'; content?: string; stage?: 'CURRENT' | 'PENDING'; name?: string };
  currentVersionNumber?: number;
}

export function updateSecret(s: LabVaultSecret, body: UpdateSecret, nowMs: number): void {
  if (body.secretContent) {
    if (body.secretContent.content === undefined) throw invalidParameter('secretContent.content is required');
    addVersion(s, body.secretContent.content, body.secretContent.stage ?? 'CURRENT', nowMs);
  }
  if (body.currentVersionNumber !== undefined) {
    const v = s.versions.find((x) => x.versionNumber === body.currentVersionNumber);
    if (!v) throw invalidParameter(`currentVersionNumber ${body.currentVersionNumber} is not a version of ${s.id}`);
    if (!v.stages.includes('CURRENT')) {
      promote(s);
      v.stages = ['CURRENT', ...v.stages.filter((x) => x === 'LATEST')];
    }
  }
}

export function secretBundle(s: LabVaultSecret, q: { stage?: Stage; versionNumber?: number }): Record<string, unknown> {
  const v = q.versionNumber !== undefined
    ? s.versions.find((x) => x.versionNumber === q.versionNumber)
    : s.versions.find((x) => x.stages.includes(q.stage ?? 'CURRENT'));
  if (!v) throw notFound(`version ${q.versionNumber ?? q.stage ?? 'CURRENT'} of secret ${s.id}`);
  return {
    secretId: s.id,
    versionNumber: v.versionNumber,
    stages: v.stages,
    timeCreated: v.timeCreated,
    secretBundleContent: { contentType: 'BASE64', content: v.content },
  };
}
