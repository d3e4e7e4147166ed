/** Request bodies of the lab's OIC routes: raw bytes with a size limit, JSON, form-encoded. */
import type { IncomingMessage } from 'node:http';
import { oicError } from './oic-respond';

/** Largest request body the lab's OIC accepts (a wallet zip is ~20 KB); the real limit is UNVERIFIED. */
export const MAX_OIC_BODY = 6 * 1024 * 1024;
const MAX_JSON_BODY = 256 * 1024;

export function readRaw(req: IncomingMessage, limit = MAX_OIC_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(oicError(413, `The request body is larger than ${limit} bytes`));
        req.resume();
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

/** JSON body (undefined when empty). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readRaw(req, MAX_JSON_BODY)).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw oicError(400, 'The request body is not valid JSON');
  }
}

/** application/x-www-form-urlencoded body as a plain record (the last value of a repeated key wins). */
export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw oicError(415, 'The token request must be application/x-www-form-urlencoded');
  }
  const text = (await readRaw(req, MAX_JSON_BODY)).toString('utf8');
  return Object.fromEntries(new URLSearchParams(text));
}
