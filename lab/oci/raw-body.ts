/** Reads a request body as bytes (at most 1 MiB; more is 413 RequestEntityTooLarge). */
import type { IncomingMessage } from 'node:http';
import { ociError } from './oci-error';

const MAX_BODY = 1024 * 1024;

export function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(ociError(413, 'RequestEntityTooLarge', `The request body must be at most ${MAX_BODY} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
