/**
 * A small multipart/form-data parser (RFC 7578) for the attachment upload: the whole body is in
 * memory (bounded by MAX_OIC_BODY), parts are delimited by CRLF "--" boundary, each part has
 * headers, a blank line, then its bytes up to the CRLF before the next delimiter.
 */
import { oicError } from './oic-respond';

export interface MultipartPart {
  /** Content-Disposition name */
  name: string;
  /** Content-Disposition filename, when the part is a file */
  fileName: string | null;
  contentType: string | null;
  data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_PARTS = 20;

export function boundaryOf(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data') throw oicError(415, 'The attachment must be sent as multipart/form-data');
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? '');
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw oicError(400, 'multipart/form-data without a boundary');
  return boundary;
}

export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const next = Buffer.concat([CRLF, delimiter]);
  let at = body.indexOf(delimiter);
  if (at < 0) throw oicError(400, 'multipart body: no boundary delimiter');
  const parts: MultipartPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') return parts; // close delimiter
    if (!body.subarray(at, at + 2).equals(CRLF)) throw oicError(400, 'multipart body: malformed delimiter line');
    const headerStart = at + 2;
    const headerEnd = body.indexOf(HEADER_END, headerStart);
    if (headerEnd < 0) throw oicError(400, 'multipart body: part headers not terminated');
    const end = body.indexOf(next, headerEnd + 4);
    if (end < 0) throw oicError(400, 'multipart body: no closing boundary');
    parts.push(part(body.subarray(headerStart, headerEnd).toString('utf8'), body.subarray(headerEnd + 4, end)));
    if (parts.length > MAX_PARTS) throw oicError(400, `multipart body: more than ${MAX_PARTS} parts`);
    at = end + 2;
  }
}

function part(headerText: string, data: Buffer): MultipartPart {
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  if (!/^form-data\s*(;|$)/i.test(disposition)) throw oicError(400, 'multipart body: a part without Content-Disposition: form-data');
  const name = param(disposition, 'name');
  if (name === null) throw oicError(400, 'multipart body: a part without a name');
  return { name, fileName: param(disposition, 'filename'), contentType: headers.get('content-type') ?? null, data };
}

/** A Content-Disposition parameter, quoted or not (filename* is not read). */
function param(disposition: string, key: string): string | null {
  const m = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(disposition);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
}
