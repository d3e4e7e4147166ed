/**
 * A node's known-hosts entry as the estate file gives it, in one of the two forms OpenSSH shows:
 *  - its public host key line, "ssh-ed25519 AAAAC3Nz... [comment]" (ssh-keyscan, /etc/ssh/ssh_host_*_key.pub);
 *  - its fingerprint, "SHA256:<43 base64 characters>" (ssh-keygen -lf, the first-connection prompt).
 * The key a server presents during the SSH handshake (its wire-format blob, what ssh2's hostVerifier
 * receives) matches when its bytes equal the line's, or when the SHA-256 of those bytes, in unpadded
 * base64, equals the fingerprint. Uses Buffer and node:crypto: worker and CLI side, not workflow code.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checked } from '../validation';
import { preview } from '../untrusted-text';

export const HOST_KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'] as const;

export type KnownHost =
  | { form: 'key'; type: string; blob: Buffer; fingerprint: string }
  | { form: 'fingerprint'; fingerprint: string };

const RULE =
  'must be the node\'s public host key line ("ssh-ed25519 AAAA...", as ssh-keyscan prints it) ' +
  'or its fingerprint ("SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it)';

const FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})=?$/;
const KEY_LINE = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: [^\r\n]*)?$/;

/** The SHA-256 fingerprint of a key blob, as OpenSSH prints it: "SHA256:" + unpadded base64. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a wire-format blob starts with (an SSH string), or null. */
export function blobKeyType(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const n = blob.readUInt32BE(0);
  if (n === 0 || n > 64 || blob.length < 4 + n) return null;
  return blob.subarray(4, 4 + n).toString('latin1');
}

function parse(text: string): KnownHost | string {
  const t = text.trim();
  const fp = FINGERPRINT.exec(t);
  if (fp) return { form: 'fingerprint', fingerprint: `SHA256:${fp[1]}` };
  const line = KEY_LINE.exec(t);
  if (!line) return `${preview(text)} ${RULE}`;
  const [, type, b64] = line;
  if (!(HOST_KEY_TYPES as readonly string[]).includes(type!)) {
    return `key type ${preview(type)} is not one orb accepts (${HOST_KEY_TYPES.join(', ')})`;
  }
  const blob = Buffer.from(b64!, 'base64');
  if (blob.toString('base64').replace(/=+$/, '') !== b64!.replace(/=+$/, '')) return 'the key is not valid base64';
  if (blobKeyType(blob) !== type) return `the key's bytes are not a ${type} key (the type before the key must be the one inside it)`;
  return { form: 'key', type: type!, blob, fingerprint: fingerprintOf(blob) };
}

export const hostKeySchema = z
  .string({ error: RULE })
  .max(16_384, 'must be at most 16384 characters')
  .superRefine((v, ctx) => {
    const r = parse(v);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  });

/** Parses a known-hosts entry, or throws an InputError naming `field`. */
export function parseKnownHost(field: string, text: unknown): KnownHost {
  return parse(checked(field, hostKeySchema, text)) as KnownHost;
}

/** Whether the key a server presented (wire-format blob) is the known one. */
export function knownHostMatches(known: KnownHost, presented: Buffer): boolean {
  if (known.form === 'fingerprint') return fingerprintOf(presented) === known.fingerprint;
  return known.blob.length === presented.length && known.blob.equals(presented);
}
