/**
 * Which subscription-confirmation URLs `orb events` may fetch. A confirmation message names a
 * URL that the receiver GETs; anyone who can POST to the receiver could name any URL, so orb
 * fetches only https URLs on *.oraclecloud.com (Notifications' own hosts; the exact host name
 * OCI uses is UNVERIFIED, hence the suffix), or a host given with --allow-confirm-host
 * (host or host:port, e.g. the lab's 127.0.0.1:7480; http is then allowed too). URLs with user
 * info are refused; redirects are not followed.
 */
export type ConfirmUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function checkConfirmationUrl(raw: unknown, allowHosts: readonly string[]): ConfirmUrlCheck {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) {
    return { ok: false, reason: 'no confirmation URL in the message' };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'the confirmation URL is not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `scheme ${url.protocol} is not allowed` };
  }
  if (url.username || url.password) return { ok: false, reason: 'a confirmation URL with user info is not allowed' };
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'https:' && host.endsWith('.oraclecloud.com')) return { ok: true, url };
  const allowed = allowHosts.map((h) => h.toLowerCase());
  if (allowed.includes(url.host.toLowerCase()) || allowed.includes(host)) return { ok: true, url };
  const reason = `host ${url.host} is neither an https *.oraclecloud.com host nor allowed with --allow-confirm-host`;
  return { ok: false, reason };
}
