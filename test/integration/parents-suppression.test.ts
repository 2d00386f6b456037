import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFamily } from '../../functions/core/families/family';
import { addressIdOf } from '../../functions/core/families/recipients';
import { emailEventsHandler } from '../../functions/handlers/email-events';
import { lambdaContext } from '../../functions/local/queue';
import type { TestCorridor } from '../helpers/corridor';
import {
  addPhoneToFamily,
  familyIdOf,
  type JoinLink,
  joinByEmail,
  savePreferences,
  sentEmails,
  startParentsWorld,
  stopParentsWorld,
  submitForm,
  testClock,
} from '../helpers/parents';
import type { PushService } from '../helpers/push-service';

/**
 * Acceptance 5 (email half; the 410 half is in parents-push.test.ts): SES bounce and complaint events
 * suppress the address. And privacy: erasing a family leaves none of its addresses or push endpoints
 * anywhere in the table.
 */

const clock = testClock('2026-06-10T09:00:00Z');
const stamp = Date.now();
let corridor: TestCorridor;
let push: PushService;
let links: Record<string, JoinLink>;
beforeAll(async () => {
  ({ corridor, push, links } = await startParentsWorld(clock.now));
});
afterAll(() => stopParentsWorld({ corridor, push }));

/** An SQS batch as the email-events Lambda receives it: SES events delivered raw by SNS. */
const sqsEvent = (...bodies: unknown[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: `m${i}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'sns', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-2:123456789012:email-events',
    awsRegion: 'eu-west-2',
  })),
});
const bounce = (address: string, bounceType: 'Permanent' | 'Transient') => ({
  eventType: 'Bounce',
  bounce: {
    bounceType,
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: address }],
    timestamp: clock.now().toISOString(),
  },
  mail: { messageId: 'x', destination: [address] },
});
const complaint = (address: string) => ({
  eventType: 'Complaint',
  complaint: { complainedRecipients: [{ emailAddress: address }], complaintFeedbackType: 'abuse' },
  mail: { messageId: 'y', destination: [address] },
});

const postsTo = async (address: string) =>
  (await sentEmails(corridor, address)).filter((m) => !m.subject.startsWith('Confirm')).map((m) => m.subject);

describe('bounces and complaints', () => {
  it('a permanent bounce suppresses the address; a transient one does not', async () => {
    const address = `bouncy-${stamp}@example.org`;
    const manageUrl = await joinByEmail(corridor, (links['year-1'] as JoinLink).url, address);
    await savePreferences(manageUrl, { email: 'instant' });
    await corridor.post({ audience: 'class:year-1', caption: 'Before the bounce' });
    expect(await postsTo(address)).toEqual(['Year 1 · Demo Primary School: Before the bounce']);

    const handle = emailEventsHandler(corridor.local.deps);
    expect((await handle(sqsEvent(bounce(address, 'Transient')), lambdaContext('email-events'))).batchItemFailures).toEqual([]);
    await corridor.post({ audience: 'class:year-1', caption: 'Mailbox was only full' });
    expect(await postsTo(address)).toHaveLength(2);

    // SNS without raw delivery wraps the event in an envelope; it is read the same way.
    const envelope = { Type: 'Notification', Message: JSON.stringify(bounce(address.toUpperCase(), 'Permanent')) };
    expect((await handle(sqsEvent(envelope), lambdaContext('email-events'))).batchItemFailures).toEqual([]);
    const family = await getFamily(corridor.local.deps, familyIdOf(manageUrl));
    const recipient = family?.emails[await addressIdOf(corridor.local.deps, address)];
    expect(recipient?.suppressed?.reason).toBe('bounce');
    await corridor.post({ audience: 'class:year-1', caption: 'After the bounce' });
    expect(await postsTo(address)).toHaveLength(2);
    // The family sees why, on its page.
    expect(await (await fetch(manageUrl)).text()).toContain('undeliverable: the address does not exist');
  });

  it('a complaint suppresses the address too', async () => {
    const address = `annoyed-${stamp}@example.org`;
    const manageUrl = await joinByEmail(corridor, (links['year-2'] as JoinLink).url, address);
    await savePreferences(manageUrl, { email: 'instant' });
    await emailEventsHandler(corridor.local.deps)(sqsEvent(complaint(address)), lambdaContext('email-events'));
    await corridor.post({ audience: 'class:year-2', caption: 'After the complaint' });
    expect(await postsTo(address)).toEqual([]);
  });
});

describe('erasing a family', () => {
  it('leaves none of its addresses or push endpoints in the table', async () => {
    const address = `leaving-${stamp}@example.org`;
    const phone = push.browser();
    const manageUrl = await joinByEmail(corridor, (links.reception as JoinLink).url, address);
    await addPhoneToFamily(manageUrl, phone, { corridor, address }); // approved from the family's address
    await savePreferences(manageUrl, { email: 'instant', push: 'digest' });
    await corridor.post({ audience: 'class:reception', caption: 'Reception made masks' }); // ledger items, a digest waiting
    const familyId = familyIdOf(manageUrl);
    const family = await getFamily(corridor.local.deps, familyId);
    expect(Object.keys(family?.push ?? {})).toHaveLength(1);
    expect(Object.keys(family?.emails ?? {})).toHaveLength(1);

    const items = async () =>
      (await corridor.local.deps.clients.dynamo.send(new ScanCommand({ TableName: corridor.local.deps.config.tableName })))
        .Items ?? [];
    const scan = async () => JSON.stringify(await items());
    const before = await scan();
    for (const secret of [address, phone.subscription.endpoint, phone.subscription.keys.p256dh, `FAMILY#${familyId}`]) {
      expect(before).toContain(secret);
    }
    expect((await submitForm(`${manageUrl}/erase`, {})).status).toBe(400); // the box must be ticked
    expect((await submitForm(`${manageUrl}/erase`, { confirm: 'yes' })).status).toBe(200);

    const after = await scan();
    for (const secret of [address, phone.subscription.endpoint, phone.subscription.keys.p256dh, phone.subscription.keys.auth]) {
      expect(after).not.toContain(secret);
    }
    // Nothing names the family any more: not its record, ledger, membership, address index, the outbox's
    // notes that posts were handed over to it, or the post's delivery claims.
    const naming = (await items()).filter((item) => JSON.stringify(item).includes(familyId));
    expect(naming).toEqual([]);
    expect(after).not.toContain(await addressIdOf(corridor.local.deps, address));
    expect((await fetch(manageUrl)).status).toBe(404);
    // The digest it was waiting for goes nowhere.
    clock.set('2026-06-10T17:00:00Z');
    await corridor.local.runDigest();
    expect(push.received.filter((m) => m.browserId === phone.id)).toEqual([]);
  });
});
