/** Request validation of the lab's OIC routes (zod); failures answer OIC 400 naming the field and the rule. */
import { z } from 'zod';
import { oicError } from './oic-respond';

const property = z.object({
  propertyName: z.string().min(1).max(128),
  propertyValue: z.string().max(4096).nullable().optional(),
  propertyType: z.string().max(64).optional(),
});

/**
 * Update a Connection: only these four are applied; OIC ignores anything else in the body
 * (documented for the Visual Builder OIC steps: "Other properties are ignored"), so z.object
 * strips the rest instead of refusing it.
 */
export const connectionPatch = z.object({
  securityPolicy: z.string().min(1).max(64).optional(),
  agentGroupId: z.string().max(256).nullable().optional(),
  connectionProperties: z.array(property).max(100).optional(),
  securityProperties: z.array(property).max(100).optional(),
});
export type ConnectionPatch = z.infer<typeof connectionPatch>;

export const integrationId = z.string().regex(/^[A-Z0-9_]{1,64}\|\d{2}\.\d{2}\.\d{4}$/, 'must be CODE|NN.NN.NNNN');

/** Reactivate Integrations: the ids (OIC's UI reactivates at most 50 after a connection update). */
export const reactivateBody = z.array(integrationId).min(1).max(50);

/** Lab control: PATCH /oic-control/instances/{name}/connections/{id} */
export const controlConnectionPatch = z.object({ lockedBy: z.string().min(1).max(128).nullable().optional() }).strict();

export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = [what, ...issue.path.map(String)].filter(Boolean).join('.');
  throw oicError(400, `${path || 'body'}: ${issue.message}`);
}
