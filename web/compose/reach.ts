/**
 * "Who heard about it": for a published post, how many families it reached and how. Counts only — the
 * API keeps no record of which parent read what, and shows no family here.
 */
import { h, replace } from '../shared/dom';
import type { Api, PostReach } from './api';

const families = (n: number) => `${n} ${n === 1 ? 'family' : 'families'}`;

/** The reach as lines a teacher reads; ways nobody used are left out. */
export function reachLines(reach: PostReach): string[] {
  if (reach.families === 0) return ['No families have joined the classes this post is for yet, so nobody was told.'];
  return [
    `Meant for ${families(reach.families)}.`,
    reach.push > 0 && `${families(reach.push)}: a notification on their phone.`,
    reach.emailNow > 0 && `${families(reach.emailNow)}: an email straight away.`,
    reach.afterQuietHours > 0 && `${families(reach.afterQuietHours)}: when their quiet hours end.`,
    reach.digest > 0 && `${families(reach.digest)}: in their evening message.`,
    reach.onTheWay > 0 && `${families(reach.onTheWay)}: still on its way to them.`,
    reach.turnedOff > 0 && `${families(reach.turnedOff)}: turned messages off.`,
    reach.noWay > 0 && `${families(reach.noWay)}: no way to hear (no phone or email that works).`,
  ].filter((line): line is string => typeof line === 'string');
}

/** A button that shows the post's reach in place of itself (and again fresh on each tap). */
export function reachButton(api: Api, postId: string): HTMLElement {
  const box = h('div', { class: 'reach' });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Who heard about it');
  const result = h('div', { role: 'status' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const lines = reachLines(await api.reach(postId));
      replace(
        result,
        h(
          'ul',
          { class: 'reach-lines' },
          lines.map((line) => h('li', null, line)),
        ),
      );
      button.textContent = 'Count again';
    } catch (error) {
      replace(result, h('p', { class: 'error' }, error instanceof Error ? error.message : 'The counts could not be loaded.'));
    } finally {
      button.disabled = false;
    }
  });
  replace(box, button, result);
  return box;
}
