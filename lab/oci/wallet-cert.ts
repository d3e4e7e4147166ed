/**
 * The X.509 certificate a lab wallet's ewallet.pem holds: a real certificate (node-forge, RSA 2048,
 * SHA-256) whose subject CN and SAN name the database's host, and whose OU names the database
 * (dbName and OCID), so that `crypto.X509Certificate` parses it and the lab can tell which database
 * a wallet was made for. One key pair and certificate per database, kept in memory only (never in
 * the state file or GET /estate); after a lab restart a database gets a new one, and the wallets
 * made before stay known by the fingerprints recorded in `cloud.wallets`.
 *
 * UNVERIFIED: the exact subject of the certificates in a real ADB wallet; the lab's is self-issued
 * by "orb lab ADB CA" and is not a server certificate chain anyone could verify a TLS handshake with.
 */
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import type { LabAutonomousDatabase } from '../cloud-model';

export interface DbCertificate {
  certPem: string;
  /** PKCS#1 PEM, in memory only */
  keyPem: string;
  /** sha256 of the certificate's DER, lower-case hex without colons (X509Certificate.fingerprint256) */
  certSha256: string;
}

const cache = new Map<string, DbCertificate>();
const VALID_DAYS = 397;

/** The certificate of `db`, made once per process. */
export function certificateFor(db: LabAutonomousDatabase, nowMs: number): DbCertificate {
  const key = `${db.id}|${db.host}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const made = makeCertificate(db, nowMs);
  cache.set(key, made);
  return made;
}

function makeCertificate(db: LabAutonomousDatabase, nowMs: number): DbCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = createHash('sha256').update(`${db.id}|${nowMs}|${publicKey}`).digest('hex').slice(0, 30);
  cert.validity.notBefore = new Date(nowMs - 86_400_000);
  cert.validity.notAfter = new Date(nowMs + VALID_DAYS * 86_400_000);
  cert.setSubject([
    { name: 'commonName', value: db.host },
    { name: 'organizationalUnitName', value: `${db.dbName} ${db.id}` },
    { name: 'organizationName', value: 'Oracle Corporation (orb lab)' },
    { name: 'localityName', value: 'Redwood City' },
    { name: 'stateOrProvinceName', value: 'California' },
    { name: 'countryName', value: 'US' },
  ]);
  cert.setIssuer([{ name: 'commonName', value: 'orb lab ADB CA' }, { name: 'organizationName', value: 'orb lab' }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: db.host }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem: privateKey, certSha256: certFingerprint(certPem)! };
}

/** sha256 fingerprint (lower-case hex, no colons) of the first certificate in a PEM text; null if there is none. */
export function certFingerprint(pemText: string): string | null {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pemText);
  if (!m) return null;
  try {
    return new X509Certificate(m[0]).fingerprint256.replace(/:/g, '').toLowerCase();
  } catch {
    return null;
  }
}

/** ewallet.pem as a wallet holds it: the private key encrypted with the wallet password, then the certificate. */
export function ewalletPem(cert: DbCertificate, password: string): string {
  const encrypted = createPrivateKey(cert.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password });
  return `${String(encrypted)}${cert.certPem}`;
}
