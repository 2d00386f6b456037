import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, phoneLayoutProblems, screenshot } from './browser';
import type { SentEmail } from './parents';

/** The document's language and direction, and the direction the browser actually lays the body out in. */
export const documentLanguage = (page: Page) =>
  page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    laidOut: getComputedStyle(document.body).direction,
  }));

/** Where the heading's text sits: at the right edge for right-to-left pages, at the left for the rest. */
const headingEdges = (page: Page) =>
  page.evaluate(() => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector('h1') as Node);
    const box = range.getBoundingClientRect();
    return { left: box.left, right: window.innerWidth - box.right };
  });

/**
 * A parents' page in a language, at 390 px: `lang` and `dir` on the document and laid out that way, the
 * heading starting on the language's side, no sideways scrolling, 44 px targets, no axe violation at all;
 * saved as a screenshot to look at.
 */
export async function checkLocalisedPage(page: Page, language: { lang: string; dir: 'ltr' | 'rtl' }, name: string) {
  const { lang, dir } = language;
  expect(await documentLanguage(page), name).toEqual({ lang, dir, laidOut: dir });
  const edges = await headingEdges(page);
  // 16 px of page padding on the side the language starts from.
  expect(dir === 'rtl' ? edges.right : edges.left, name).toBeLessThanOrEqual(17);
  const layout = await phoneLayoutProblems(page);
  expect(layout.horizontalOverflow, name).toBeLessThanOrEqual(0);
  expect(layout.smallTargets, name).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

/** An e-mail as a phone's mail app shows it: its HTML part in a 390 px browser page, judged by axe and saved. */
export async function showEmail(context: BrowserContext, mail: SentEmail | undefined, name: string): Promise<Page> {
  expect(mail, name).toBeDefined();
  const page = await context.newPage();
  await page.setContent(mail?.body.html ?? '', { waitUntil: 'load' });
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, name);
  return page;
}
