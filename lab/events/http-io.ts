/** Request and response helpers of lab/events (the lab's other routes keep theirs in lab/http.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody } from '../request-body';

const MAX_BODY = 256 * 1024;

/** The body as JSON (undefined when empty); LAB-400 when it is too big or not JSON. */
export function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, MAX_BODY);
}

export function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(payload);
  const length = Buffer.byteLength(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': length, ...headers });
  res.end(body);
}

/** An OCI API error as OCI answers it: status, body { code, message }, an opc-request-id. */
export class OciApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendOciError(res: ServerResponse, err: OciApiError, requestId: string): void {
  sendJson(res, err.status, { code: err.code, message: err.message }, { 'opc-request-id': requestId });
}
