/** Reads a request body as bytes (at most 1 MiB; more is 413 RequestEntityTooLarge). */
import type { IncomingMessage } from 'node:http';
import { ociError } from './oci-error';
import { readBytes } from '../request-body';

const MAX_BODY = 1024 * 1024;

export function readRaw(req: IncomingMessage): Promise<Buffer> {
  return readBytes(req, MAX_BODY, () => ociError(413, 'RequestEntityTooLarge', `The request body must be at most ${MAX_BODY} bytes.`));
}
