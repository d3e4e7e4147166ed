/** Request bodies of the lab's OIC routes: raw bytes with a size limit, JSON, form-encoded. */
import type { IncomingMessage } from 'node:http';
import { oicError } from './oic-respond';
import { readBytes } from '../request-body';

/** Largest request body the lab's OIC accepts (a wallet zip is ~20 KB); the real limit is UNVERIFIED. */
export const MAX_OIC_BODY = 6 * 1024 * 1024;
const MAX_JSON_BODY = 256 * 1024;

export function readRaw(req: IncomingMessage, limit = MAX_OIC_BODY): Promise<Buffer> {
  return readBytes(req, limit, () => oicError(413, `The request body is larger than ${limit} bytes`), 'drain');
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
