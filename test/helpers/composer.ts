import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createToken } from '../../functions/core/auth/tokens';
import type { LocalOptions } from '../../functions/local/runtime';
import { launchChromium, PHONE, signInWithToken } from './browser';
import { startTestCorridor, type TestCorridor } from './corridor';

/**
 * What every browser test of the composer starts from: a Corridor of its own, a teacher (a member of
 * staff, not an admin) at the demo school, and Chromium. Start it in `beforeAll`, stop it in `afterAll`.
 */
export interface ComposerRig {
  corridor: TestCorridor;
  browser: Browser;
  /** The teacher's API token, as they would paste it into the composer. */
  staffToken: string;
  /**
   * A new browser session with the composer open and signed in — as the teacher unless `token` says
   * otherwise, on a phone (390×844, touch) unless `device` says otherwise. Close its `context` when done.
   */
  openComposer(options?: { token?: string; device?: BrowserContextOptions }): Promise<{ context: BrowserContext; page: Page }>;
  /** Closes Chromium and stops Corridor. */
  stop(): Promise<void>;
}

export async function startComposerRig(options: {
  /** The teacher's name, as the composer and the audit log show it. */
  teacher: string;
  corridor?: Partial<LocalOptions>;
  /** More Chromium switches (a fake microphone). */
  chromiumArgs?: string[];
}): Promise<ComposerRig> {
  const corridor = await startTestCorridor(options.corridor);
  let browser: Browser;
  let staffToken: string;
  try {
    ({ token: staffToken } = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'staff', label: options.teacher }));
    browser = await launchChromium(options.chromiumArgs);
  } catch (error) {
    // afterAll has no rig to stop: this Corridor would outlive the test file.
    await corridor.stop();
    throw error;
  }
  return {
    corridor,
    browser,
    staffToken,
    async openComposer({ token = staffToken, device = PHONE } = {}) {
      const context = await browser.newContext(device);
      const page = await context.newPage();
      await signInWithToken(page, corridor.url, token);
      return { context, page };
    },
    async stop() {
      try {
        await browser.close();
      } finally {
        await corridor.stop();
      }
    },
  };
}
