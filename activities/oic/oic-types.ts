/**
 * What orb reads from Oracle Integration's REST answers, validated with zod. Loose objects: OIC
 * sends many more fields (and may add some); orb reads only these. Field names from the OIC REST
 * API reference; `testStatus`/`testMessage` and `dependencies.connections` are UNVERIFIED.
 */
import { z } from 'zod';

export const oicProperty = z.looseObject({
  propertyName: z.string(),
  propertyType: z.string().nullish(),
  propertyValue: z.string().nullish(),
  hasAttachment: z.boolean().nullish(),
});
export type OicProperty = z.infer<typeof oicProperty>;

export const oicConnection = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string().nullish(),
  securityPolicy: z.string().nullish(),
  adapterType: z.looseObject({ name: z.string().nullish() }).nullish(),
  connectionProperties: z.array(oicProperty).nullish(),
  securityProperties: z.array(oicProperty).nullish(),
  lockedFlag: z.boolean().nullish(),
});
export type OicConnection = z.infer<typeof oicConnection>;

/** The connection test's answer (200): the connection, and when it failed, why. */
export const oicTestAnswer = oicConnection.extend({
  testStatus: z.string().nullish(),
  testMessage: z.string().nullish(),
});

export const oicIntegration = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string(),
  dependencies: z.looseObject({ connections: z.array(z.looseObject({ id: z.string() })).nullish() }).nullish(),
  endPoints: z.array(z.looseObject({ connection: z.looseObject({ id: z.string() }).nullish() })).nullish(),
});
export type OicIntegration = z.infer<typeof oicIntegration>;

export const oicIntegrationList = z.looseObject({
  items: z.array(oicIntegration).nullish(),
  hasMore: z.boolean().nullish(),
  totalResults: z.number().nullish(),
});

/** Update a Connection's body: only these four are applied by OIC. */
export interface OicConnectionPatch {
  securityPolicy?: string;
  agentGroupId?: string | null;
  connectionProperties?: { propertyName: string; propertyValue: string | null }[];
  securityProperties?: { propertyName: string; propertyValue: string | null }[];
}

export interface OicTestResult {
  ok: boolean;
  /** The connection's status after the test (CONFIGURED when it connected) */
  status: string | null;
  /** OIC's message, when the test failed */
  message: string | null;
}
