/**
 * What GET /estate shows of the cloud estate: everything but bulky bytes. Wallet zips (Vault secret
 * versions, the seed wallet, OIC attachments, replayable wallet answers) are replaced by their size and
 * sha256, so the answer stays modest and holds no key material (the encrypted keys inside ewallet.pem).
 */
import { createHash } from 'node:crypto';
import type { LabState } from '../model';

const summary = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return `<${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}>`;
};

export function estateView(state: LabState): LabState {
  const c = state.cloud;
  const cloud = {
    ...c,
    ...(c.seedWalletZip ? { seedWalletZip: summary(c.seedWalletZip) } : {}),
    secrets: c.secrets.map((s) => ({ ...s, versions: s.versions.map((v) => ({ ...v, content: summary(v.content) })) })),
    retryTokens: c.retryTokens.map((t) => {
      const r = t.response as { binaryBase64?: string };
      return r?.binaryBase64 ? { ...t, response: { ...r, binaryBase64: summary(r.binaryBase64) } } : t;
    }),
    oic: (c.oic ?? []).map((i) => ({
      ...i,
      connections: (i.connections ?? []).map((conn) => ({
        ...conn,
        attachments: Object.fromEntries(
          Object.entries(conn.attachments ?? {}).map(([k, a]) => [
            k,
            { ...a, content: typeof a.content === 'string' ? summary(a.content) : a.content },
          ]),
        ),
      })),
    })),
  };
  return { ...state, cloud };
}
