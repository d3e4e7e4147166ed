/**
 * The body of lab control `POST /events`: one OCI event envelope as OCI Events emits it
 * (CloudEvents 0.1; field names from Oracle's event reference), validated before it joins the
 * lab's event stream. Fields the lab can fill in (cloudEventsVersion, eventTypeVersion, source,
 * contentType, extensions, compartmentName, availabilityDomain) default; eventType, eventID,
 * eventTime and data.resourceId / resourceName / compartmentId are required.
 */
import { z } from 'zod';
import type { LabOciEvent } from '../cloud-model';

const text = (max: number) => z.string().min(1).max(max);

const dataSchema = z.object({
  compartmentId: text(255),
  compartmentName: z.string().max(255).default('orb-lab'),
  resourceName: text(255),
  resourceId: text(255).regex(/^ocid1\.[a-z0-9]+\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9]+$/i, 'must be an OCID'),
  availabilityDomain: z.string().max(255).default('AD1'),
  additionalDetails: z.record(z.string().max(255), z.string().max(4096)).default({}),
});

const envelopeSchema = z.object({
  eventType: text(255).regex(/^[a-z0-9._-]+$/i, 'must be an OCI event type such as com.oraclecloud.databaseservice.…'),
  cloudEventsVersion: z.literal('0.1').default('0.1'),
  eventTypeVersion: z.literal('2.0').default('2.0'),
  source: z.literal('databaseservice').default('databaseservice'),
  eventTime: z.iso.datetime({ offset: true }),
  contentType: z.literal('application/json').default('application/json'),
  eventID: text(128).regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, . _ : -'),
  extensions: z.object({ compartmentId: text(255) }).optional(),
  data: dataSchema,
});

export const postEventBody = z.object({ envelope: envelopeSchema }).strict();

/** The envelope in the lab's model (extensions.compartmentId defaults to data.compartmentId). */
export function toLabEnvelope(body: z.infer<typeof postEventBody>): LabOciEvent['envelope'] {
  const e = body.envelope;
  return { ...e, extensions: e.extensions ?? { compartmentId: e.data.compartmentId } };
}
