/** Bodies of the lab's Notifications control routes (lab/EVENTS.md). */
import { z } from 'zod';

export const createSubscriptionBody = z
  .object({
    /** Where the lab POSTs (OCI requires https with a CA-signed certificate; the lab also takes http) */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048),
    /** POST every event twice (receivers must deduplicate on eventID) */
    deliverTwice: z.boolean().optional(),
  })
  .strict();

export const redeliverBody = z
  .object({
    /** How many of the last delivered events to POST again */
    count: z.number().int().min(1).max(1000),
  })
  .strict();
