/** A request body as bytes, with a size limit: one reader for every route of the lab. */
import type { IncomingMessage } from 'node:http';
import { LabError } from './lab-error';

/**
 * Rejects with `tooBig()` once the body passes `limit` bytes. `destroy` drops the connection at
 * once; `drain` reads the rest away so the error answer still reaches the client.
 */
export function readBytes(req: IncomingMessage, limit: number, tooBig: () => Error, overflow: 'destroy' | 'drain' = 'destroy'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(tooBig());
        if (overflow === 'destroy') req.destroy();
        else req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** The body as JSON (undefined when empty); LAB-400 when it is larger than `limit` or not JSON. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const bytes = await readBytes(req, limit, () => new LabError('LAB-400', `LAB-400: body: must be at most ${limit} bytes`));
  const text = bytes.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new LabError('LAB-400', 'LAB-400: body: must be valid JSON');
  }
}
