/**
 * Answers of the lab's Oracle Integration routes: JSON, bytes, and OIC-shaped errors.
 *
 * Error body (UNVERIFIED against a live OIC: the shape follows what public OIC REST examples show):
 *   { type, title, detail, status: "HTTP 404 Not Found", "o:errorCode" }
 */
import type { ServerResponse } from 'node:http';
import { LabError } from '../lab-error';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An error the lab's OIC answers with: `OIC-<status>` code, OIC's detail text. */
export function oicError(status: number, detail: string): LabError {
  return new LabError(`OIC-${status}`, detail, status);
}

export function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendBytes(res: ServerResponse, bytes: Buffer, fileName: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': bytes.length,
    'content-disposition': `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`,
  });
  res.end(bytes);
}

/** Renders any error in OIC's shape (a lab bug answers 500 with its message). */
export function sendOicError(res: ServerResponse, e: unknown): void {
  const err = e instanceof LabError ? e : new LabError('OIC-500', `OIC-500: ${(e as Error).message}`, 500);
  const status = err.httpStatus;
  const title = TITLES[status] ?? 'Error';
  const prefix = `${err.code}: `;
  const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer realm="oic", Basic realm="oic"' } : {};
  sendJson(
    res,
    status,
    {
      type: `https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.${Math.floor(status / 100)}`,
      title,
      detail,
      status: `HTTP ${status} ${title}`,
      'o:errorCode': err.code,
    },
    headers,
  );
}
