/** Vault (/oci/<region>/20180608) and Secrets (/oci/<region>/20190301) routes (oci-vault, oci-secrets client.js paths). */
import type { LabCloud } from '../cloud-model';
import type { SimContext } from '../estate';
import { etagOf } from './adb-json';
import { type OciRequest, type OciRoute, jsonAnswer, jsonBody } from './oci-route';
import { pageQuery, parseOci, queryObject, secretBundleQuery, updateSecretBody } from './oci-schemas';
import type { OciAnswer } from './retry-tokens';
import { requireSecret, secretBundle, secretJson, updateSecret, versionSummaries } from './vault';

const ID = '([^/]+)';

function secretAnswer(cloud: LabCloud, req: OciRequest): OciAnswer {
  const json = secretJson(requireSecret(cloud, req.params[0]!, req.region));
  return jsonAnswer(json, { etag: etagOf(json) });
}

function update(ctx: SimContext, cloud: LabCloud, req: OciRequest): OciAnswer {
  const body = parseOci(updateSecretBody, jsonBody(req) ?? {}, 'updateSecretDetails');
  updateSecret(requireSecret(cloud, req.params[0]!, req.region), body, ctx.nowMs);
  return secretAnswer(cloud, req);
}

export const VAULT_ROUTES: OciRoute[] = [
  {
    method: 'GET', version: '20180608', pattern: new RegExp(`^/secrets/${ID}$`), op: 'getSecret', mutating: false,
    handle: (_c, cloud, req) => secretAnswer(cloud, req),
  },
  { method: 'PUT', version: '20180608', pattern: new RegExp(`^/secrets/${ID}$`), op: 'updateSecret', mutating: true, handle: update },
  {
    method: 'GET', version: '20180608', pattern: new RegExp(`^/secrets/${ID}/versions$`), op: 'listSecretVersions', mutating: false,
    handle: (_c, cloud, req) => {
      parseOci(pageQuery.extend({ sortBy: pageQuery.shape.page, sortOrder: pageQuery.shape.page }), queryObject(req.query), 'query');
      return jsonAnswer(versionSummaries(requireSecret(cloud, req.params[0]!, req.region)));
    },
  },
  {
    method: 'GET', version: '20190301', pattern: new RegExp(`^/secretbundles/${ID}$`), op: 'getSecretBundle', mutating: false,
    handle: (_c, cloud, req) => {
      const q = parseOci(secretBundleQuery, queryObject(req.query), 'query');
      const s = requireSecret(cloud, req.params[0]!, req.region);
      const bundle = secretBundle(s, { stage: q.stage, versionNumber: q.versionNumber });
      return jsonAnswer(bundle, { etag: etagOf(bundle) });
    },
  },
];
