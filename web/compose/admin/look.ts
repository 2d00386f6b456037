/**
 * The school's look: its logo (picked from the phone), its accent colour (with the contrast verdict in
 * words as the colour changes) and its welcome line, with a preview of the page header they make. Each
 * part saves on its own and says so.
 */

import type { InferResponseType } from 'hono/client';
import { type ApiClient, answer } from '../../../functions/api/client';
import { judgeAccent } from '../../../functions/core/schools/look/contrast';
import { h, replace } from '../../shared/dom';
import { Api } from '../api';
import { type AdminContext, problem, type Read, readWithCopy, savedNote, screen, statusLine, twoTap } from './kit';

type Settings = InferResponseType<ApiClient['api']['settings']['$get'], 200>['settings'];
type LookData = Pick<Settings, 'name' | 'accent' | 'welcome' | 'logo'>;

/** The API's limit; a bigger photo is made smaller on the phone first (which also drops its metadata). */
const MAX_LOGO_BYTES = 4 * 1024 * 1024;
const WELCOME_MAX = 140;
const DEFAULT_ACCENT = '#1d5fa8';

/** A photo too big to send, drawn again at most 2048 px wide as a JPEG; undefined when the browser cannot. */
async function smaller(file: File): Promise<Blob | undefined> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
    const canvas = h('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
    const context = canvas.getContext('2d');
    if (!context) return undefined;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob | undefined>((resolve) =>
      canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/jpeg', 0.9),
    );
  } catch {
    return undefined;
  }
}

export async function showLook(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(main, 'Look', 'How your school page, post pages, website widget, emails and podcast artwork look.');
  let read: Read<LookData>;
  try {
    read = await readWithCopy('look', async () => (await answer(context.api.client.api.settings.$get())).settings);
  } catch (error) {
    replace(body, h('p', { class: 'error', role: 'alert' }, problem(error, 'Showing the look')));
    return;
  }
  const look = { ...read.data };
  const disabled = Boolean(read.savedAt);
  const status = statusLine();
  const done = (text: string) => {
    status.ok(text);
    context.announce(text);
  };

  // The preview: the band at the top of the school page, as parents will see it.
  const previewLogo = h('img', { alt: '', class: 'look-logo' });
  const previewWelcome = h('p', null);
  const previewBand = h('div', { class: 'look-band' }, previewLogo, previewWelcome);
  const previewName = h('p', { class: 'look-name' }, look.name);
  const drawPreview = () => {
    previewBand.style.background = look.accent ?? DEFAULT_ACCENT;
    previewName.style.color = look.accent ?? DEFAULT_ACCENT;
    previewLogo.hidden = !look.logo;
    if (look.logo) previewLogo.src = look.logo.path;
    previewWelcome.textContent = look.welcome ?? '';
  };

  // The logo.
  const picker = h('input', { id: 'logo-file', type: 'file', accept: 'image/*', disabled, class: 'file-input' });
  // The input inside its label: the label is the 44 px button, the input stays focusable for keyboards.
  const pick = h('label', { class: 'secondary file-button' }, picker, 'Choose the logo from this phone');
  const removeLogo = twoTap('Take the logo off', 'Tap again to take the logo off', async () => {
    try {
      look.logo = (await answer(context.api.client.api.settings.logo.$delete())).settings.logo;
      drawPreview();
      removeLogo.hidden = true;
      done('Saved: the logo is off; your pages and artwork show the name alone.');
    } catch (error) {
      status.fail(problem(error, 'Taking the logo off'));
    }
  });
  removeLogo.hidden = !look.logo;
  picker.addEventListener('change', async () => {
    const file = picker.files?.[0];
    if (!file) return;
    let upload: Blob | undefined = file;
    if (file.size > MAX_LOGO_BYTES) {
      status.ok('That picture is large: making it smaller on this phone first…');
      upload = await smaller(file);
      if (!upload || upload.size > MAX_LOGO_BYTES) {
        status.fail(
          'That picture is too large (a logo can be at most 4 MB) and this phone could not make it smaller. Try a screenshot of the logo.',
        );
        return;
      }
    }
    status.ok(`Sending the logo (${Math.ceil(upload.size / 1024)} kB)… Corridor removes its location and camera details.`);
    try {
      look.logo = (
        await answer(context.api.client.api.settings.logo.$put({}, Api.raw(upload, upload.type || 'application/octet-stream')))
      ).settings.logo;
      drawPreview();
      removeLogo.hidden = false;
      done('Saved: the logo is on your pages, emails and podcast artwork.');
    } catch (error) {
      status.fail(problem(error, 'Sending the logo'));
    } finally {
      picker.value = '';
    }
  });

  // The accent colour, judged as it changes.
  const colour = h('input', { id: 'accent', type: 'color', value: look.accent ?? DEFAULT_ACCENT, disabled });
  const verdict = h('p', { id: 'accent-verdict', class: 'hint', 'aria-live': 'polite' });
  colour.setAttribute('aria-describedby', verdict.id);
  const saveColour = h('button', { type: 'submit', class: 'primary', disabled }, 'Save the colour');
  const judge = () => {
    const result = judgeAccent(colour.value);
    verdict.textContent = result.words;
    verdict.className = result.ok ? 'hint verdict-ok' : 'hint verdict-problem';
    saveColour.disabled = disabled || !result.ok;
    return result.ok;
  };
  colour.addEventListener('input', judge);
  const colourForm = h(
    'form',
    { class: 'admin-form' },
    h('h2', null, 'Colour'),
    h('label', { for: colour.id }, 'Accent colour (header, links, buttons)'),
    colour,
    verdict,
    saveColour,
    h('button', { type: 'button', class: 'secondary', disabled, onclick: () => void saveAccent(null) }, 'Use Corridor’s blue'),
  );
  const saveAccent = async (accent: string | null) => {
    try {
      look.accent = (await answer(context.api.client.api.settings.$patch({ json: { accent } }))).settings.accent;
      colour.value = look.accent ?? DEFAULT_ACCENT;
      judge();
      drawPreview();
      done(accent ? `Saved: ${look.accent} is your colour.` : 'Saved: your pages use Corridor’s blue.');
    } catch (error) {
      status.fail(problem(error, 'Saving the colour'));
    }
  };
  colourForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (judge()) void saveAccent(colour.value);
  });

  // The welcome line.
  const welcome = h('input', { id: 'welcome', type: 'text', value: look.welcome ?? '', maxLength: WELCOME_MAX, disabled });
  const counter = h('p', { id: 'welcome-count', class: 'hint' });
  welcome.setAttribute('aria-describedby', counter.id);
  const countWords = () => {
    counter.textContent = `${welcome.value.length} of ${WELCOME_MAX} characters. One line, plain text.`;
  };
  welcome.addEventListener('input', countWords);
  const welcomeForm = h(
    'form',
    { class: 'admin-form' },
    h('h2', null, 'Welcome line'),
    h('label', { for: welcome.id }, 'Under your school’s name on its page'),
    welcome,
    counter,
    h('button', { type: 'submit', class: 'primary', disabled }, 'Save the welcome line'),
  );
  welcomeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = welcome.value.trim();
    try {
      look.welcome = (
        await answer(context.api.client.api.settings.$patch({ json: { welcome: text === '' ? null : text } }))
      ).settings.welcome;
      drawPreview();
      done(text === '' ? 'Saved: no welcome line.' : 'Saved: the welcome line is on your school page.');
    } catch (error) {
      status.fail(problem(error, 'Saving the welcome line'));
      welcome.focus();
    }
  });

  drawPreview();
  judge();
  countWords();
  replace(
    body,
    savedNote(read),
    h(
      'div',
      { class: 'look-preview', role: 'img', 'aria-label': 'Preview of the top of your school page' },
      previewBand,
      previewName,
    ),
    status,
    h(
      'div',
      { class: 'admin-form' },
      h('h2', null, 'Logo'),
      h(
        'p',
        { class: 'hint' },
        'A PNG or JPEG of your logo, or a photo of it. Corridor keeps a copy without location or camera details.',
      ),
      pick,
      removeLogo,
    ),
    colourForm,
    welcomeForm,
  );
}
