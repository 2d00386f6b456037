import * as z from 'zod';
import type { Deps } from '../deps';
import { type SuppressionReason, suppressAddress } from '../families/recipients';

/**
 * SES bounce and complaint events. SES publishes them (configuration set event destination) to SNS; SNS
 * delivers them raw to SQS (infra/email.ts), so a record's body is the SES event itself. An SNS envelope
 * (raw delivery off) and an EventBridge event (`detail`) carry the same event, and are read too.
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 */
const recipientsSchema = z.array(z.object({ emailAddress: z.string() })).default([]);

export const sesEventSchema = z.discriminatedUnion('eventType', [
  z.object({
    eventType: z.literal('Bounce'),
    bounce: z.object({
      /** Only `Permanent` bounces suppress: `Transient` (mailbox full) and `Undetermined` may recover. */
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bouncedRecipients: recipientsSchema,
    }),
  }),
  z.object({ eventType: z.literal('Complaint'), complaint: z.object({ complainedRecipients: recipientsSchema }) }),
]);
export type SesEvent = z.infer<typeof sesEventSchema>;

/** Unwraps an SNS envelope or an EventBridge event, and accepts `notificationType` (SES notifications). */
export function parseSesEvent(body: unknown): SesEvent | undefined {
  let event = body as Record<string, unknown>;
  if (event?.Type === 'Notification' && typeof event.Message === 'string') event = JSON.parse(event.Message);
  if (event?.detail && typeof event.detail === 'object') event = event.detail as Record<string, unknown>;
  const eventType = event?.eventType ?? event?.notificationType;
  if (eventType !== 'Bounce' && eventType !== 'Complaint') return undefined; // deliveries, opens…: not ours
  return sesEventSchema.parse({ ...event, eventType });
}

/** The addresses an event says never to send to again, and why. */
export function suppressions(event: SesEvent): { address: string; reason: SuppressionReason }[] {
  switch (event.eventType) {
    case 'Bounce':
      return event.bounce.bounceType === 'Permanent'
        ? event.bounce.bouncedRecipients.map((r) => ({ address: r.emailAddress, reason: 'bounce' as const }))
        : [];
    case 'Complaint':
      return event.complaint.complainedRecipients.map((r) => ({ address: r.emailAddress, reason: 'complaint' as const }));
    default:
      return event satisfies never;
  }
}

/** Applies one event: every address it names as undeliverable is suppressed in every family holding it. */
export async function applySesEvent(deps: Deps, body: unknown): Promise<number> {
  const event = parseSesEvent(body);
  if (!event) return 0;
  let families = 0;
  for (const { address, reason } of suppressions(event)) families += await suppressAddress(deps, address, reason);
  return families;
}
