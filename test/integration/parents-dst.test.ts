import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { type JoinLink, joinByEmail, joinLinks, sentEmails, testClock } from '../helpers/parents';

/**
 * Acceptance 3: the evening digest goes out at 18:00 on the school's wall clock on the days the clocks
 * change — 17:00 UTC from the spring change on (BST), 18:00 UTC from the autumn change on (GMT) — with a
 * fake clock driving the whole system (Deps.now) and the scheduler run minute by minute around it.
 */

const clock = testClock('2026-03-27T09:00:00Z');
const parent = `dst-${Date.now()}@example.org`;
let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0 });
  const links = await joinLinks(corridor);
  await joinByEmail(corridor, (links['year-1'] as JoinLink).url, parent);
});
afterAll(() => corridor?.stop());

const digestSubjects = async () =>
  (await sentEmails(corridor, parent)).filter((m) => m.subject.startsWith('Today at school')).map((m) => m.subject);

/** Posts at local morning of `day`, then runs the scheduler at every minute from 16:50 to 18:10 UTC. */
async function digestInstantOn(day: string): Promise<{ sentAt: string; subject: string }> {
  clock.set(`${day}T08:30:00Z`);
  await corridor.post({ audience: 'class:year-1', caption: `Year 1 on ${day}` });
  await corridor.local.idle();
  const before = (await digestSubjects()).length;
  for (let minute = 16 * 60 + 50; minute <= 18 * 60 + 10; minute++) {
    const at = `${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00Z`;
    clock.set(at);
    await corridor.local.runDigest();
    const subjects = await digestSubjects();
    if (subjects.length > before) {
      expect(subjects.length).toBe(before + 1);
      return { sentAt: at, subject: subjects.at(-1) ?? '' };
    }
  }
  throw new Error(`no digest on ${day}`);
}

describe('18:00 in London, whatever UTC says', () => {
  it.each([
    ['2026-03-28', '2026-03-28T18:00:00Z', 'Saturday 28 March'], // last day of GMT
    ['2026-03-29', '2026-03-29T17:00:00Z', 'Sunday 29 March'], // clocks go forward at 01:00 UTC
    ['2026-03-30', '2026-03-30T17:00:00Z', 'Monday 30 March'],
    ['2026-10-24', '2026-10-24T17:00:00Z', 'Saturday 24 October'], // last day of BST
    ['2026-10-25', '2026-10-25T18:00:00Z', 'Sunday 25 October'], // clocks go back at 01:00 UTC
    ['2026-10-26', '2026-10-26T18:00:00Z', 'Monday 26 October'],
  ])('on %s the digest goes out at %s', async (day, expected, dayName) => {
    const { sentAt, subject } = await digestInstantOn(day);
    expect(sentAt).toBe(expected);
    expect(subject).toBe(`Today at school, ${dayName}: 1 new post`);
  });
});
