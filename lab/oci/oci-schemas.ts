/** Request bodies and query parameters of the OCI routes (zod); failures are 400 InvalidParameter naming the field. */
import { z } from 'zod';
import { ociError } from './oci-error';

const ocid = z.string().regex(/^ocid1\.[a-z0-9]+\.[a-z0-9-]+\.[a-z0-9-]*\.[A-Za-z0-9_.-]+$/, 'must be an OCID');

export const ocidParam = ocid;

export const roleChangeQuery = z.object({ peerDbId: ocid.optional() }).strict();

export const listAdbQuery = z
  .object({
    compartmentId: ocid,
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    page: z.string().optional(),
    displayName: z.string().optional(),
    lifecycleState: z.string().optional(),
  })
  .strict();

export const generateWalletBody = z
  .object({
    password: z.string({ error: 'is required' }).max(60, 'must be at most 60 characters'),
    generateType: z.enum(['SINGLE', 'ALL']).optional(),
    isRegional: z.boolean().optional(),
  })
  .strict();

export const updateSecretBody = z
  .object({
    secretContent: z
      .object({
        contentType: z.literal('BASE64'),
        content: z.string().optional(),
        name: z.string().max(255).optional(),
        stage: z.enum(['CURRENT', 'PENDING']).optional(),
      })
      .strict()
      .optional(),
    currentVersionNumber: z.number().int().min(1).optional(),
    description: z.string().max(400).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    freeformTags: z.record(z.string(), z.string()).optional(),
    definedTags: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

export const secretBundleQuery = z
  .object({
    stage: z.enum(['CURRENT', 'PENDING', 'LATEST', 'PREVIOUS', 'DEPRECATED']).optional(),
    versionNumber: z.coerce.number().int().min(1).optional(),
    versionName: z.string().optional(),
  })
  .strict();

export const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional(), page: z.string().optional() }).strict();

/** Parses `value` or throws 400 InvalidParameter (MissingParameter when a required field is absent). */
export function parseOci<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = [where, ...issue.path.map(String)].filter(Boolean).join('.') || where || '(body)';
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return (() => {
    throw ociError(400, missing ? 'MissingParameter' : 'InvalidParameter', `${field}: ${issue.message}`);
  })();
}

/** The query string as a plain object (the last value of a repeated key). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params.entries());
}
