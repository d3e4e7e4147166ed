/**
 * Cursors of the lab's Streaming API. A cursor is opaque to the client; here it is base64url JSON
 * naming the stream, the position and, for a group cursor, the group and whether getMessages
 * commits. A cursor that does not decode is OCI's 400 InvalidParameter.
 */
import { z } from 'zod';
import { OciApiError } from './http-io';

const cursorSchema = z
  .object({
    stream: z.string().min(1).max(255),
    offset: z.number().int().min(0),
    group: z.string().min(1).max(256).optional(),
    instance: z.string().min(1).max(256).optional(),
    commitOnGet: z.boolean().optional(),
  })
  .strict();

export type LabCursor = z.infer<typeof cursorSchema>;

export function encodeCursor(c: LabCursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

export function decodeCursor(value: string | null, streamId: string): LabCursor {
  const bad = new OciApiError(400, 'InvalidParameter', 'The cursor is invalid or expired.');
  if (!value || value.length > 4096) throw bad;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  const r = cursorSchema.safeParse(raw);
  if (!r.success || r.data.stream.toLowerCase() !== streamId.toLowerCase()) throw bad;
  return r.data;
}
