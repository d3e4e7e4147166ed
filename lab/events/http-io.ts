/** Request and response helpers of lab/events (the lab's other routes keep theirs in lab/http.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LabError } from '../lab-error';

const MAX_BODY = 256 * 1024;

/** The body as JSON (undefined when empty); LAB-400 when it is too big or not JSON. */
export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new LabError('LAB-400', `LAB-400: body: must be at most ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new LabError('LAB-400', 'LAB-400: body: must be valid JSON'));
      }
    });
    req.on('error', reject);
  });
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
