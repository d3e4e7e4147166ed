/** The shape of one OCI route (adb-routes.ts, vault-routes.ts), served by oci-http.ts through Lab.cloudCall. */
import type { IncomingHttpHeaders } from 'node:http';
import type { LabCloud } from '../cloud-model';
import type { SimContext } from '../estate';
import type { OciOp } from './oci-ops';
import { invalidParameter } from './oci-error';
import type { OciAnswer } from './retry-tokens';

export interface OciRequest {
  region: string;
  method: string;
  /** pathname, e.g. /oci/us-phoenix-1/20160918/autonomousDatabases/ocid1... */
  path: string;
  /** pathname + search (what a retry token is bound to) */
  target: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The route pattern's captures (decoded) */
  params: string[];
}

export interface OciRoute {
  method: 'GET' | 'POST' | 'PUT';
  /** API version path segment: 20160918 database + work requests, 20180608 vault, 20190301 secrets */
  version: string;
  /** Matched against the path after /oci/<region>/<version> */
  pattern: RegExp;
  op: OciOp;
  mutating: boolean;
  /** Calls that honour opc-retry-token */
  idempotent?: boolean;
  handle(ctx: SimContext, cloud: LabCloud, req: OciRequest): OciAnswer;
}

export function jsonAnswer(json: unknown, headers: Record<string, string> = {}, status = 200): OciAnswer {
  return { status, json, headers };
}

/** The request body as JSON (400 InvalidParameter when it is not). */
export function jsonBody(req: OciRequest): unknown {
  const text = req.body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameter('the request body must be valid JSON');
  }
}

export const header = (req: OciRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
