import { expect, it } from 'vitest';
import {
  addPhoneToFamily,
  type JoinLink,
  joinByEmail,
  savePreferences,
  sentEmails,
  subscribePush,
  testClock,
  useParentsWorld,
} from '../helpers/parents';

/**
 * Issue 20, the bill: the evening digest goes by e-mail only to families who chose e-mail. A family
 * whose phone takes the evening message (push-first) gets one digest push instead — in its language,
 * with that language's plural — unless it ticked "by email as well" on its family page. Judged by what
 * the SES emulator accepted and what the loopback push service decrypted.
 */

const clock = testClock('2026-06-10T08:00:00Z'); // Wednesday, 09:00 in London
const world = useParentsWorld(clock.now);

const stamp = Date.now();
const address = (who: string) => `${who}-${stamp}@example.org`;
const eveningEmails = async (to: string) =>
  (await sentEmails(world.corridor, to)).filter((m) => m.subject.startsWith('Today at school') || m.subject.startsWith('Dziś'));
const digestPushes = (browserId: string) =>
  world.push.received.filter((m) => m.browserId === browserId && String(m.payload.tag).startsWith('digest-'));

it('e-mail families get the evening e-mail, push-first families a digest push in their language, both only when asked', async () => {
  const { corridor, push, links } = world;
  const year1 = (links['year-1'] as JoinLink).url;
  // An e-mail family: joined with its address, no phone.
  await joinByEmail(corridor, year1, address('email-only'));
  // A family that joined by e-mail and then added a phone: now push-first.
  const pushFirstManage = await joinByEmail(corridor, year1, address('push-first'));
  const pushFirstPhone = push.browser();
  await addPhoneToFamily(pushFirstManage, pushFirstPhone, { corridor, address: address('push-first') });
  // The same, but it ticked "send the evening message by email as well".
  const bothManage = await joinByEmail(corridor, year1, address('both'));
  const bothPhone = push.browser();
  await addPhoneToFamily(bothManage, bothPhone, { corridor, address: address('both') });
  await savePreferences(bothManage, { digestEmailToo: 'yes' });
  expect(await (await fetch(bothManage)).text()).toMatch(/name="digestEmailToo" value="yes" checked/);
  // A Polish family on a phone only (the join page's push button).
  const polishPhone = push.browser();
  await subscribePush(year1, polishPhone, undefined, 'pl');

  await corridor.post({ audience: 'class:year-1', caption: 'Year 1 painted sunflowers' });
  await corridor.post({ audience: 'class:year-1', caption: 'Year 1 built a bug hotel' });
  await corridor.local.idle();
  clock.set('2026-06-10T17:00:00Z'); // 18:00 in London
  await corridor.local.runDigest();
  await corridor.local.runDigest(); // a second run sends nothing twice

  expect(push.problems).toEqual([]);
  // E-mail only: one evening e-mail.
  const [emailOnly, ...moreEmailOnly] = await eveningEmails(address('email-only'));
  expect(moreEmailOnly).toEqual([]);
  expect(emailOnly?.subject).toBe('Today at school, Wednesday 10 June: 2 new posts');
  // Push-first: one digest push, no evening e-mail.
  expect(await eveningEmails(address('push-first'))).toEqual([]);
  const pushed = digestPushes(pushFirstPhone.id);
  expect(pushed).toHaveLength(1);
  expect(pushed[0]?.payload).toMatchObject({ title: 'Today: 2 new posts', tag: 'digest-2026-06-10', lang: 'en-GB' });
  expect(pushed[0]?.payload.body).toBe('Year 1 painted sunflowers · Year 1 built a bug hotel');
  // Asked for both: one of each.
  expect(await eveningEmails(address('both'))).toHaveLength(1);
  expect(digestPushes(bothPhone.id)).toHaveLength(1);
  // Polish, two posts: the "few" form ("2 nowe wpisy"), not English's "other".
  const [polish, ...morePolish] = digestPushes(polishPhone.id);
  expect(morePolish).toEqual([]);
  expect(polish?.payload).toMatchObject({ title: 'Dziś: 2 nowe wpisy', lang: 'pl' });

  // Unticking it again: the next evening, the phone only.
  await savePreferences(bothManage, {});
  clock.set('2026-06-11T08:00:00Z');
  for (let i = 0; i < 5; i++) await corridor.post({ audience: 'class:year-1', caption: `Thursday ${i + 1}` });
  await corridor.local.idle();
  clock.set('2026-06-11T17:00:00Z');
  await corridor.local.runDigest();
  expect(await eveningEmails(address('both'))).toHaveLength(1);
  expect(digestPushes(bothPhone.id)).toHaveLength(2);
  // Five posts in Polish: the "many" form ("5 nowych wpisów").
  expect(digestPushes(polishPhone.id)[1]?.payload.title).toBe('Dziś: 5 nowych wpisów');
  expect(await eveningEmails(address('email-only'))).toHaveLength(2);
});
