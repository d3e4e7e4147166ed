/**
 * The JSON the lab's OIC answers for connections and integrations. Field names follow the OIC
 * REST API (Retrieve a Connection / Retrieve Integrations); which fields OIC fills, and how it
 * shows an attachment property, are UNVERIFIED. PASSWORD properties never carry a value.
 */
import type { LabOicConnection, LabOicInstance, LabOicIntegration, LabOicProperty } from '../cloud-model';

const ADAPTERS: Record<string, { displayName: string; type: string }> = {
  atpdatabase: { displayName: 'Oracle ATP', type: 'PREINSTALLED' },
};

const API = '/ic/api/integration/v1';

function propertyView(conn: LabOicConnection, p: LabOicProperty, group: string) {
  const attachment = conn.attachments[p.propertyName];
  return {
    propertyName: p.propertyName,
    propertyType: p.propertyType,
    propertyGroup: group,
    propertyValue: p.propertyType === 'PASSWORD' ? null : attachment ? attachment.fileName : p.propertyValue,
    hasAttachment: attachment !== undefined,
    // UNVERIFIED: whether OIC says a password is set; the lab does, without the value.
    ...(p.propertyType === 'PASSWORD' ? { hasValue: Boolean(p.valueSha256) } : {}),
  };
}

export function connectionView(inst: LabOicInstance, conn: LabOicConnection) {
  const users = inst.integrations.filter((i) => i.connections.includes(conn.id));
  const adapter = ADAPTERS[conn.adapterType] ?? { displayName: conn.adapterType, type: 'PREINSTALLED' };
  return {
    id: conn.id,
    name: conn.name,
    status: conn.status,
    role: 'INVOKE',
    adapterType: { name: conn.adapterType, ...adapter },
    securityPolicy: conn.securityPolicy,
    agentRequired: false,
    agentGroupId: conn.agentGroupId ?? null,
    connectionProperties: conn.connectionProperties.map((p) => propertyView(conn, p, 'CONNECTION_PROPS')),
    securityProperties: conn.securityProperties.map((p) => propertyView(conn, p, 'CREDENTIALS')),
    lockedFlag: conn.lockedBy !== null,
    lockedBy: conn.lockedBy,
    lastUpdated: conn.lastUpdated,
    percentageComplete: conn.status === 'CONFIGURED' ? 100 : 80,
    usage: users.length,
    usageActive: users.filter((i) => i.status === 'ACTIVATED').length,
    links: [{ rel: 'self', href: `${API}/connections/${encodeURIComponent(conn.id)}` }],
  };
}

/**
 * Lab extension (not an OIC field): `runningWith`, per connection, the wallet (sha256) the active
 * integration runs with, and whether it is the connection's current one. null when not active.
 */
function runningWith(inst: LabOicInstance, integ: LabOicIntegration) {
  if (integ.status !== 'ACTIVATED') return null;
  return Object.fromEntries(
    integ.connections.map((id) => {
      const current = inst.connections.find((c) => c.id === id)?.attachments.WALLET?.sha256 ?? null;
      const used = integ.activatedWith[id] ?? null;
      return [id, { walletSha256: used, connectionWalletSha256: current, current: used === current }];
    }),
  );
}

export function integrationView(inst: LabOicInstance, integ: LabOicIntegration, expandConnections: boolean) {
  const connections = integ.connections.map((id) => {
    const conn = inst.connections.find((c) => c.id === id);
    if (!expandConnections || !conn) return { id };
    return { id, name: conn.name, status: conn.status, adapterType: { name: conn.adapterType } };
  });
  return {
    id: integ.id,
    code: integ.code,
    version: integ.version,
    name: integ.name,
    status: integ.status,
    lastActivated: integ.lastActivated,
    dependencies: { connections },
    runningWith: runningWith(inst, integ),
    links: [{ rel: 'self', href: `${API}/integrations/${encodeURIComponent(integ.id)}` }],
  };
}
