/**
 * The check of OCI's request signature (draft-cavage HTTP signatures, as the SDK signs). The lab does
 * not know users' public keys (there is no IAM in it), so it cannot verify the signature itself: it
 * checks that the Authorization header has OCI's structure, that the signed headers include what OCI
 * requires (date, (request-target), host; for POST/PUT also x-content-sha256, content-type and
 * content-length), that those headers are present, and that x-content-sha256 matches the body.
 * Anything else: 401 NotAuthenticated.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ociError } from './oci-error';

const PARAM = /([a-zA-Z]+)="([^"]*)"/g;

function refuse(why: string): never {
  const text = `The required information to complete authentication was not provided or was incorrect (${why}).`;
  throw ociError(401, 'NotAuthenticated', text);
}

function signatureParams(header: string | undefined): Record<string, string> {
  if (!header || !header.startsWith('Signature ')) refuse('no Authorization: Signature header');
  const params: Record<string, string> = {};
  for (const m of header.slice('Signature '.length).matchAll(PARAM)) params[m[1]!] = m[2]!;
  return params;
}

export function checkSignature(method: string, headers: IncomingHttpHeaders, body: Buffer): void {
  const p = signatureParams(headers.authorization);
  if (p.version !== '1') refuse('version must be "1"');
  if (!p.keyId || p.keyId.split('/').length < 3) refuse('keyId must be <tenancy>/<user>/<fingerprint>');
  if (p.algorithm !== 'rsa-sha256') refuse('algorithm must be rsa-sha256');
  if (!p.signature || !/^[A-Za-z0-9+/]+=*$/.test(p.signature)) refuse('signature must be base64');
  const signed = (p.headers ?? '').toLowerCase().split(' ').filter(Boolean);
  const required = ['(request-target)', 'host', signed.includes('x-date') ? 'x-date' : 'date'];
  if (method === 'POST' || method === 'PUT') required.push('x-content-sha256', 'content-type', 'content-length');
  for (const h of required) if (!signed.includes(h)) refuse(`the signed headers must include ${h}`);
  for (const h of signed) if (h !== '(request-target)' && headers[h] === undefined) refuse(`signed header ${h} is missing`);
  if (method === 'POST' || method === 'PUT') {
    const sha = createHash('sha256').update(body).digest('base64');
    if (headers['x-content-sha256'] !== sha) refuse('x-content-sha256 does not match the body');
  }
}
