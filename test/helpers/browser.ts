import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing phoning home (see docs/architecture.md, "Browser tests"). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** A phone (iPhone 12–15 class: 390×844 CSS px, touch) and a laptop. */
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } as const;
export const DESKTOP = { viewport: { width: 1280, height: 800 } } as const;

const screenshotDir = fileURLToPath(new URL('../.artifacts/screenshots/', import.meta.url));

/** Saves a full-page screenshot under test/.artifacts/screenshots (git-ignored) for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = `${screenshotDir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A page on another origin (another port), e.g. a school website with a strict CSP. */
export interface HostSite {
  url: string;
  stop(): Promise<void>;
}

/** Serves fixed files from `127.0.0.1` on a free port, each with its own headers. */
export async function startHostSite(
  files: Record<string, { body: string; contentType: string; headers?: Record<string, string> }>,
): Promise<HostSite> {
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://host').pathname];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, ...file.headers }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let axeSource: Promise<string> | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A/AA rules) on the page and returns the serious and critical violations.
 * Injected through the DevTools protocol, so a page's CSP does not stop it; it walks open shadow roots.
 * Frames are left out: a framed page is checked on its own. `include` narrows the check to one part
 * (our widget on a host page whose own markup is not ours to judge).
 */
export async function seriousAxeViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  return (await axeViolations(page, include)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Every axe-core violation (WCAG 2.x A/AA rules), whatever its impact; see {@link seriousAxeViolations}. */
export async function axeViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async (only) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }).axe;
    const result = (await axe.run(only ? { include: [[only]], exclude: [['iframe']] } : { exclude: [['iframe']] }, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      iframes: false,
    })) as { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  }, include);
  return violations;
}

/** Layout facts that make a page unusable on a phone: sideways scrolling and tap targets under 44 px. */
export async function phoneLayoutProblems(page: Page): Promise<{ horizontalOverflow: number; smallTargets: string[] }> {
  return page.evaluate(() => {
    const horizontalOverflow = document.documentElement.scrollWidth - window.innerWidth;
    // WCAG 2.5.5 (AAA, 44×44) for controls; links inside running text are exempt, as WCAG allows.
    const controls = [
      ...document.querySelectorAll<HTMLElement>('button, [role=button], input:not([type=hidden]), textarea, select, a[href]'),
    ];
    const smallTargets = controls
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return false; // not rendered (hidden)
        if (el.closest('label.chip')) return false; // the chip label around it is the target
        if (el.tagName === 'A' && el.closest('.caption, .hint')) return false; // inline in text (a caption may be a post page's heading)
        const target = el.closest('label') ?? el;
        const rect = target.getBoundingClientRect();
        return rect.height < 44 || rect.width < 44;
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
    return { horizontalOverflow, smallTargets };
  });
}

/** Opens the composer at `baseUrl` and signs in by pasting a staff token, as a teacher would. */
export async function signInWithToken(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/compose/`);
  await page.getByLabel('Staff token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).tap();
  await page.getByLabel('Caption').waitFor();
}
