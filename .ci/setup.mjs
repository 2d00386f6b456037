#!/usr/bin/env node
// Installs the system packages Corridor needs (ffmpeg, Chromium, exiftool, feedparser, the W3C feed validator's
// html5lib and rdflib, libheif tools, Noto fonts)
// with apt when they are missing. Idempotent: when everything is present it only checks and exits.
import { execFileSync, spawnSync } from 'node:child_process';

/** Each requirement: how to tell it is present, and the Debian package that provides it. */
const requirements = [
  { what: 'ffmpeg', present: () => has('ffmpeg') && has('ffprobe'), debian: 'ffmpeg' },
  { what: 'Chromium (browser tests)', present: () => exists('/usr/bin/chromium'), debian: 'chromium' },
  { what: 'exiftool (metadata judge)', present: () => has('exiftool'), debian: 'libimage-exiftool-perl' },
  {
    what: 'python3-feedparser (feed judge)',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0,
    debian: 'python3-feedparser',
  },
  {
    // The W3C Feed Validation Service's own code is vendored in test/vendor/w3c-feedvalidator; it needs these two.
    what: 'html5lib and rdflib (W3C feed validator)',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import html5lib, rdflib'], { stdio: 'ignore' }).status === 0,
    debian: 'python3-html5lib python3-rdflib',
  },
  { what: 'libheif tools (HEIC judge)', present: () => has('heif-dec') || has('heif-convert'), debian: 'libheif-examples' },
  {
    // Browser tests screenshot parents' pages in Urdu, Arabic, Panjabi, Bengali, Gujarati and Tamil.
    what: 'Noto fonts (screenshots of pages in every parents’ language)',
    present: () => ['ur', 'ar', 'pa', 'bn', 'gu', 'ta'].every(hasFontFor),
    debian: 'fonts-noto-core',
  },
];

/** Whether fontconfig knows a font covering a language (fc-list prints nothing when none does). */
function hasFontFor(language) {
  const listed = spawnSync('fc-list', [`:lang=${language}`, 'family'], { encoding: 'utf8' });
  return listed.status === 0 && listed.stdout.trim() !== '';
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
function exists(path) {
  return spawnSync('test', ['-x', path]).status === 0;
}

const missing = requirements.filter((r) => !r.present());
if (missing.length === 0) process.exit(0);

const names = missing.flatMap((r) => r.debian.split(' '));
console.log(`corridor setup: installing ${missing.map((r) => r.what).join(', ')} (apt: ${names.join(' ')})`);
const isRoot = process.getuid?.() === 0;
const sudo = isRoot ? [] : ['sudo'];
if (!isRoot && !has('sudo')) {
  console.error(`corridor setup: not root and no sudo; install these Debian packages: ${names.join(' ')}`);
  process.exit(1);
}
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(isRoot ? [] : ['apt-get']), 'update', '-qq'], {
    stdio: 'inherit',
    env,
  });
  execFileSync(
    sudo[0] ?? 'apt-get',
    [...sudo.slice(1), ...(isRoot ? [] : ['apt-get']), 'install', '-y', '-qq', '--no-install-recommends', ...names],
    {
      stdio: 'inherit',
      env,
    },
  );
} catch {
  console.error(`corridor setup: apt-get failed; install these Debian packages by hand: ${names.join(' ')}`);
  process.exit(1);
}
const stillMissing = requirements.filter((r) => !r.present());
if (stillMissing.length > 0) {
  console.error(`corridor setup: still missing after install: ${stillMissing.map((r) => r.what).join(', ')}`);
  process.exit(1);
}
console.log('corridor setup: system packages ready');
