/**
 * The admin area of the composer (its own chunk: loaded only when an admin opens it). A menu of the
 * school's admin tasks, each its own screen at `#admin/<screen>`, one column for one hand on a phone.
 */
import { h, replace } from '../../shared/dom';
import { showApprovals } from './approvals';
import { showAudit } from './audit';
import { showClasses } from './classes';
import { showConsent } from './consent';
import { showDataProtection } from './data-protection';
import type { AdminContext } from './kit';
import { showLook } from './look';
import { showSettings } from './settings';
import { showStaff } from './staff';

interface AdminScreen {
  title: string;
  /** One line under the title in the menu: what a head goes there for. */
  what: string;
  show(main: HTMLElement, context: AdminContext): Promise<void>;
}

/** Every screen, in the menu's order; a screen without an entry here cannot be reached. */
const screens = {
  approvals: { title: 'Approvals', what: 'Staff posts waiting for you to approve or send back', show: showApprovals },
  staff: { title: 'Staff', what: 'Invite, change roles, remove', show: showStaff },
  classes: {
    title: 'Classes and join links',
    what: 'QR posters for parents, new classes, the new school year',
    show: showClasses,
  },
  consent: { title: 'Photo consent', what: 'Import the roster; who may be pictured', show: showConsent },
  settings: { title: 'Settings', what: 'Approval, how long posts stay, name and time zone', show: showSettings },
  look: { title: 'Look', what: 'Logo, colour and welcome line on your pages and emails', show: showLook },
  audit: { title: 'Audit log', what: 'Who did what, and when', show: showAudit },
  data: { title: 'Data protection', what: 'Export everything; erase a family', show: showDataProtection },
} satisfies Record<string, AdminScreen>;

type ScreenId = keyof typeof screens;
const isScreen = (id: string): id is ScreenId => id in screens;

export async function showAdmin(main: HTMLElement, context: AdminContext, hash: string): Promise<void> {
  const id = hash.replace(/^#admin\/?/, '');
  if (isScreen(id)) {
    await screens[id].show(main, context);
    return;
  }
  const heading = h('h1', { tabindex: -1 }, 'Admin');
  replace(
    main,
    heading,
    h('p', { class: 'hint' }, context.school ? `Running ${context.school.name}.` : 'Running your school.'),
    h(
      'ul',
      { class: 'admin-menu' },
      (Object.entries(screens) as [ScreenId, AdminScreen][]).map(([key, screen]) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: `#admin/${key}` },
            h('span', { class: 'menu-title' }, screen.title),
            h('span', { class: 'menu-what' }, screen.what),
          ),
        ),
      ),
    ),
  );
  heading.focus();
}
