import { h } from '../shared/dom';

const SVG = 'http://www.w3.org/2000/svg';

/** Icon paths (24×24, stroked), drawn by our code only — never from data. */
const ICONS = {
  camera: 'M4 8h3l2-3h6l2 3h3v11H4z M12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  photos: 'M4 5h16v14H4z M4 15l5-5 4 4 3-3 4 4 M15.5 9.5a1 1 0 1 0 0-.01',
  video: 'M3 7h12v10H3z M15 11l6-3v8l-6-3',
  mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z M5 11a7 7 0 0 0 14 0 M12 18v3',
  close: 'M6 6l12 12 M18 6L6 18',
  sound: 'M4 10v4h4l5 4V6L8 10z M16 9a4 4 0 0 1 0 6',
} as const;

export type IconName = keyof typeof ICONS;

/** A decorative icon (hidden from screen readers: the control carries the words). */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.appendChild(path);
  return svg;
}

/** Human-readable size, e.g. `4.1 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.ceil(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A one-line preview of a caption. */
export const snippet = (caption: string, max = 80) => {
  const line = caption.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line || 'Untitled post';
};

/** A visually hidden polite announcer for screen readers. */
export function announcer(): { el: HTMLElement; say(text: string): void } {
  const el = h('div', { class: 'vh', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    say(text) {
      // Clear first so the same sentence twice is still announced.
      el.textContent = '';
      setTimeout(() => {
        el.textContent = text;
      }, 50);
    },
  };
}

const AUDIENCE_NAMES: Record<string, string> = { public: 'Public', school: 'Whole school' };

/** "Public", "Whole school", or the class names. */
export function audienceLabel(audience: string[], classes: { id: string; name: string }[]): string {
  return audience
    .map((a) => AUDIENCE_NAMES[a] ?? classes.find((c) => `class:${c.id}` === a)?.name ?? a.replace(/^class:/, ''))
    .join(', ');
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
