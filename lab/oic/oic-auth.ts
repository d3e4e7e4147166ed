/**
 * Authentication of the lab's Oracle Integration (lab/OIC.md):
 *  - Basic (OIC Gen2 style): any user name, password `lab`. Refused when the request names an
 *    `integrationInstance` (Oracle Integration 3 takes only OAuth 2 tokens from the IAM identity domain).
 *  - Bearer: an access token from the lab's identity domain, `POST /oauth2/v1/token` (client
 *    credentials, form-encoded; client secret `lab`; the scope must end with
 *    `urn:opc:resource:consumer::all`). Tokens are self-contained (HMAC-signed, real-time expiry),
 *    so they stay valid across a lab restart, as an identity domain's would.
 * The secrets are lab-only constants: nothing real is protected by them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { oicError } from './oic-respond';

export const LAB_OIC_BASIC_PASSWORD = 'lab';
export const LAB_OIC_CLIENT_SECRET = 'lab';
export const OIC_SCOPE_SUFFIX = 'urn:opc:resource:consumer::all';
/** Token lifetime (s); identity domains default to 3600 (UNVERIFIED for every domain's settings). */
export const TOKEN_TTL_S = 3600;
const SIGNING_KEY = 'orb-lab-oic-token-signing-key';

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

function sign(payload: string): string {
  return createHmac('sha256', SIGNING_KEY).update(payload).digest('base64url');
}

export function issueToken(clientId: string, scope: string, nowMs = Date.now()): TokenAnswer {
  const payload = Buffer.from(JSON.stringify({ sub: clientId, scope, exp: Math.floor(nowMs / 1000) + TOKEN_TTL_S })).toString('base64url');
  return { access_token: `labtok.${payload}.${sign(payload)}`, token_type: 'Bearer', expires_in: TOKEN_TTL_S };
}

function verifyToken(token: string, nowMs: number): boolean {
  const [tag, payload, mac] = token.split('.');
  if (tag !== 'labtok' || !payload || !mac) return false;
  const want = Buffer.from(sign(payload));
  const got = Buffer.from(mac);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown; scope?: unknown };
    const live = typeof claims.exp === 'number' && claims.exp * 1000 > nowMs;
    return live && typeof claims.scope === 'string' && claims.scope.endsWith(OIC_SCOPE_SUFFIX);
  } catch {
    return false;
  }
}

function basicCredentials(header: string): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Checks the Authorization header of an OIC API call; throws OIC 401 otherwise. */
export function authenticate(req: IncomingMessage, gen3: boolean, nowMs = Date.now()): 'basic' | 'bearer' {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (bearer) {
    if (verifyToken(bearer[1]!, nowMs)) return 'bearer';
    throw oicError(401, 'The access token is invalid or has expired');
  }
  const basic = basicCredentials(header);
  if (basic) {
    // UNVERIFIED: the exact answer Oracle Integration 3 gives to Basic auth.
    if (gen3) throw oicError(401, 'Basic authentication is not supported by Oracle Integration 3: use an OAuth 2.0 access token');
    if (basic.user !== '' && basic.password === LAB_OIC_BASIC_PASSWORD) return 'basic';
    throw oicError(401, 'Invalid user name or password');
  }
  throw oicError(401, 'Authentication required');
}

/** The OAuth error body of RFC 6749 section 5.2. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** POST /oauth2/v1/token: client credentials from the Basic header or the form. */
export function tokenFor(req: IncomingMessage, form: Record<string, string>): TokenAnswer {
  if (form.grant_type !== 'client_credentials') {
    throw new OAuthError(400, 'unsupported_grant_type', 'Only the client_credentials grant is served by the lab');
  }
  const basic = basicCredentials(req.headers.authorization ?? '');
  const clientId = basic?.user ?? form.client_id ?? '';
  const secret = basic?.password ?? form.client_secret ?? '';
  if (clientId === '' || secret !== LAB_OIC_CLIENT_SECRET) throw new OAuthError(401, 'invalid_client', 'Client authentication failed');
  const scope = form.scope ?? '';
  if (!scope.endsWith(OIC_SCOPE_SUFFIX)) {
    throw new OAuthError(400, 'invalid_scope', `The scope must be <audience>${OIC_SCOPE_SUFFIX}`);
  }
  return issueToken(clientId, scope);
}
