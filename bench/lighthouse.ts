import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { corpusPath } from '../test/helpers/corpus';
import { startTestCorridor } from '../test/helpers/corridor';
import { joinLinks } from '../test/helpers/parents';
import { printTable } from './measure';

/**
 * Lighthouse (mobile: a mid-range phone on a throttled 4G connection, simulated) on the pages parents
 * open — the school page, a photo post page (a gallery of three) and the join page — served by the
 * embedded default with the demo school, run in Debian's Chromium. Prints the four category scores per
 * page and any console errors. Nothing asserts them (issue 18 asks for Accessibility 100, Best Practices
 * ≥ 95, Performance ≥ 95); Performance moves with the machine's load, so run it on a quiet machine.
 */
export default async function lighthouseBench(): Promise<void> {
  const corridor = await startTestCorridor();
  const chrome = await chromeLauncher.launch({
    chromePath: '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
  });
  try {
    const gallery = await corridor.post({
      audience: 'public',
      caption: 'Natural History Museum\nYear 2 found out what dinosaurs ate and why some had feathers. #trips',
      files: [
        { path: corpusPath('orient_landscape_6.jpg'), alt: 'A dinosaur skeleton in a great hall' },
        { path: corpusPath('orient_portrait_8.jpg'), alt: 'Children sketching fossils' },
        { path: corpusPath('orient_landscape_1.jpg'), alt: 'Sunflower paintings in the classroom' },
      ],
    });
    await corridor.post({
      audience: 'public',
      caption: 'Listen to Reception’s counting song',
      files: [{ path: corpusPath('audio_iphone_voice_memo.m4a'), contentType: 'audio/mp4', alt: 'The counting song' }],
    });
    const join = Object.values(await joinLinks(corridor))[0]?.url;
    const pages: [string, string][] = [
      ['school page', `${corridor.url}/s/demo`],
      ['photo post page', gallery.url ?? ''],
      ['join page', join ?? ''],
    ];
    const rows: [string, string][] = [];
    for (const [name, url] of pages) {
      const result = await lighthouse(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      });
      const lhr = result?.lhr;
      if (!lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
      const score = (id: string) => String(Math.round((lhr.categories[id]?.score ?? 0) * 100));
      const errorItems =
        (lhr.audits['errors-in-console']?.details as { items?: { description?: string; url?: string }[] } | undefined)?.items ??
        [];
      const errors = errorItems.length;
      const metric = (id: string) => lhr.audits[id]?.displayValue ?? '?';
      const failing = Object.values(lhr.audits)
        .filter(
          (a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual',
        )
        .map((a) => a.id);
      rows.push([
        name,
        `performance ${score('performance')} · accessibility ${score('accessibility')} · best practices ${score('best-practices')} · SEO ${score('seo')} · console errors ${errors}${errorItems.map((e) => ` (${e.description ?? ''} ${e.url ?? ''})`).join('')}
      FCP ${metric('first-contentful-paint')} · LCP ${metric('largest-contentful-paint')} · TBT ${metric('total-blocking-time')} · CLS ${metric('cumulative-layout-shift')} · SI ${metric('speed-index')}${failing.length ? `\n      below 0.9: ${failing.join(', ')}` : ''}`,
      ]);
    }
    printTable('Lighthouse, mobile (simulated throttling), Debian Chromium', rows);
  } finally {
    chrome.kill();
    await corridor.stop();
  }
}
