/**
 * Text that came from outside (options, inputs, signals) on its way into a message, a status
 * or a record: bounded in length and stripped of characters that could garble or disguise what
 * an operator reads (control characters, bidirectional overrides, zero-width characters, lone
 * surrogates). Pure: safe in workflow code (no Node APIs).
 */

/**
 * Characters refused in free text and replaced in previews: C0/C1 controls other than tab and
 * newline, zero-width and bidirectional formatting characters (U+200B-U+200F, U+202A-U+202E,
 * U+2060-U+2069, U+FEFF), line/paragraph separators, and lone surrogates.
 */
const CONTROL_OR_FORMAT = '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSAFE = new RegExp(`${CONTROL_OR_FORMAT}|${LONE_SURROGATE}`);
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** The first unsafe character of `s`, as "U+0007 at 12", or null. */
export function unsafeCharacter(s: string): string | null {
  const m = UNSAFE.exec(s);
  if (!m) return null;
  return `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at ${m.index}`;
}

/** `s` with every unsafe character replaced by U+FFFD. */
export function sanitize(s: string): string {
  return s.replace(UNSAFE_ALL, '\ufffd');
}

/** At most `max` UTF-16 code units of `s` (never half a surrogate pair), saying how much was cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max;
  const last = s.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…(+${s.length - cut} more)`;
}

/** Longest text `clip(s, max)` returns, in code units ("…(+N more)" with N of at most 10 digits). */
export function clippedLength(max: number): number {
  return max + '…(+ more)'.length + 10;
}

/** What a value is, for a message: "a number", "an array", "null", ... */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : t === 'undefined' ? 'nothing' : `a ${t}`;
}

/** A short, safe rendering of an outside value for a message: a quoted clipped string, or its kind. */
export function preview(v: unknown, max = 40): string {
  return typeof v === 'string' ? JSON.stringify(clip(sanitize(v), max)) : `(${kindOf(v)})`;
}

/** A one-line outside string (a name, a gate): as keptText, with line breaks and tabs replaced too. */
export function keptLine(v: unknown, max: number): string {
  return typeof v === 'string' ? clip(sanitize(v).replace(/[\t\n\r]/g, '\ufffd'), max) : `(${kindOf(v)})`;
}

/** An outside string kept in a status or record: sanitized and clipped; other values become their kind. */
export function keptText(v: unknown, max: number): string {
  return typeof v === 'string' ? clip(sanitize(v), max) : `(${kindOf(v)})`;
}

/**
 * UTF-8 length of a string, without Node's Buffer (this runs in workflow code too). A lone
 * surrogate counts 3 bytes, as TextEncoder encodes it (U+FFFD).
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
