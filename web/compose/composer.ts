/**
 * The new-post form: attachments (camera, library, video, recorded sound) with a description per
 * photo, a caption with #tags, and the audience chips. Submitting hands a complete outbox entry to the
 * page, which stores it before sending — the form never talks to the network.
 */
import { h, replace } from '../shared/dom';
import type { SchoolInfo } from './api';
import { newKey, type OutboxEntry } from './outbox';
import { formatBytes, type IconName, icon } from './ui';

type Kind = 'image' | 'video' | 'audio';

interface Attachment {
  id: number;
  file: File;
  type: string;
  kind: Kind;
  url: string;
  alt: HTMLTextAreaElement | HTMLInputElement;
}

const LAST_AUDIENCE_KEY = 'corridor.lastAudience';
const RECENT_TAGS_KEY = 'corridor.recentTags';
const MAX_CAPTION = 5000;
const MAX_FILES = 20;

/** Phones sometimes give no type (HEIC, some recorders): the API routes by declared type, so infer one. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  heic: 'image/heic',
  heif: 'image/heif',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  mov: 'video/quicktime',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  '3gp': 'video/3gpp',
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  amr: 'audio/amr',
  aac: 'audio/aac',
};

export function declaredType(file: File): string {
  if (file.type) return file.type;
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return TYPES_BY_EXTENSION[extension] ?? 'application/octet-stream';
}

const TAG_PATTERN = /(^|\s)#([\p{L}\p{N}_]{1,50})/gu;

/** The caption's distinct #tags, lower-cased (the server extracts them the same way). */
export function tagsOf(caption: string): string[] {
  return [...new Set([...caption.matchAll(TAG_PATTERN)].map((m) => (m[2] ?? '').toLowerCase()))];
}

export interface ComposerOptions {
  school: SchoolInfo | undefined;
  onSubmit(entry: OutboxEntry): Promise<void>;
  /** Opens the sound recorder in a panel; resolves with the recording, if any. */
  record(panel: HTMLElement): Promise<File | undefined>;
}

export interface Composer {
  form: HTMLFormElement;
  toolbar: HTMLElement;
}

export function createComposer(options: ComposerOptions): Composer {
  let nextId = 1;
  let attachments: Attachment[] = [];
  let askedForAlt = false;

  const list = h('ul', { class: 'attachments', 'aria-label': 'Attached files' });
  const altHint = h(
    'p',
    { id: 'alt-hint', class: 'hint', hidden: true },
    'Descriptions are read aloud to parents who cannot see the photo. Say what it shows; avoid children’s full names.',
  );
  const recorderPanel = h('section', { class: 'recorder', hidden: true, 'aria-live': 'polite' });
  const caption = h('textarea', {
    id: 'caption',
    name: 'caption',
    rows: 3,
    maxLength: MAX_CAPTION,
    placeholder: 'What happened today? Add #tags like #year2 #art',
    'aria-describedby': 'caption-tags',
  });
  const tagLine = h('p', { id: 'caption-tags', class: 'tags' });
  const suggestions = h('div', { class: 'suggestions' });
  const message = h('p', { class: 'error', role: 'alert' });

  // Audience: `public` and `school` stand alone; classes combine (the API's rule).
  const choices = [
    { value: 'public', label: 'Public', hint: 'Public: on the school website, its feeds and the website widget.' },
    { value: 'school', label: 'Whole school', hint: 'Whole school: families of the school only, never on the public page.' },
    ...(options.school?.classes ?? []).map((c) => ({
      value: `class:${c.id}`,
      label: c.name,
      hint: 'Classes: only the families of the classes you pick.',
    })),
  ];
  const audienceHint = h('p', { id: 'audience-hint', class: 'hint' });
  const boxes = choices.map((choice) =>
    h('input', { type: 'checkbox', name: 'audience', value: choice.value, 'aria-describedby': 'audience-hint' }),
  );
  const remembered = (localStorage.getItem(LAST_AUDIENCE_KEY) ?? 'school').split(',');
  const setAudience = (values: string[]) => {
    for (const box of boxes) box.checked = values.includes(box.value);
    showAudienceHint();
  };
  const selectedAudience = () => boxes.filter((b) => b.checked).map((b) => b.value);
  const showAudienceHint = () => {
    const first = choices.find((c) => c.value === selectedAudience()[0]);
    audienceHint.textContent = first?.hint ?? 'Choose who can see this post.';
  };
  for (const box of boxes) {
    box.addEventListener('change', () => {
      if (box.checked) {
        const alone = box.value === 'public' || box.value === 'school';
        for (const other of boxes) {
          if (other !== box && (alone || other.value === 'public' || other.value === 'school')) other.checked = false;
        }
      }
      showAudienceHint();
    });
  }
  setAudience(remembered.filter((v) => choices.some((c) => c.value === v)));

  const renderTags = () => {
    const tags = tagsOf(caption.value);
    replace(tagLine, tags.length ? ['Tags: ', tags.map((t) => h('span', { class: 'tag' }, `#${t}`))] : '');
    const recent = JSON.parse(localStorage.getItem(RECENT_TAGS_KEY) ?? '[]') as string[];
    const offer = recent.filter((t) => !tags.includes(t)).slice(0, 6);
    replace(
      suggestions,
      offer.map((tag) =>
        h(
          'button',
          {
            type: 'button',
            class: 'chip-button',
            'aria-label': `Add tag ${tag}`,
            onclick: () => {
              caption.value = `${caption.value.replace(/\s*$/, '')}${caption.value.trim() ? ' ' : ''}#${tag} `;
              renderTags();
              caption.focus();
            },
          },
          `+ #${tag}`,
        ),
      ),
    );
  };
  caption.addEventListener('input', renderTags);

  const renderAttachments = () => {
    const images = attachments.filter((a) => a.kind === 'image');
    altHint.hidden = images.length === 0;
    replace(
      list,
      attachments.map((a, index) => {
        const number = index + 1;
        const noun = a.kind === 'image' ? 'photo' : a.kind === 'video' ? 'video' : 'recording';
        const preview =
          a.kind === 'image'
            ? h('img', { src: a.url, alt: '', class: 'thumb' })
            : a.kind === 'video'
              ? h('video', {
                  src: a.url,
                  muted: true,
                  playsInline: true,
                  preload: 'metadata',
                  class: 'thumb',
                  'aria-hidden': 'true',
                })
              : h('span', { class: 'thumb sound' }, icon('sound'));
        return h(
          'li',
          { class: `attachment ${a.kind}` },
          preview,
          h(
            'div',
            { class: 'details' },
            h('label', { for: a.alt.id }, a.kind === 'image' ? `Describe photo ${number}` : `Describe the ${noun} (optional)`),
            a.alt,
            h('span', { class: 'size' }, `${a.file.name} · ${formatBytes(a.file.size)}`),
            // Only the poster picture is searched and blurred (issue 19): say so before it is sent.
            a.kind === 'video' &&
              h('p', { class: 'hint' }, 'Faces are blurred on the video’s poster picture only, not in the video itself.'),
            a.kind === 'audio' &&
              h('audio', { controls: true, src: a.url, preload: 'metadata', 'aria-label': `Play ${a.file.name}` }),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'remove',
              'aria-label': `Remove ${noun} ${number}`,
              onclick: () => {
                URL.revokeObjectURL(a.url);
                attachments = attachments.filter((x) => x !== a);
                renderAttachments();
              },
            },
            icon('close'),
          ),
        );
      }),
    );
  };

  const add = (files: Iterable<File>) => {
    message.textContent = '';
    for (const file of files) {
      if (attachments.length >= MAX_FILES) {
        message.textContent = `A post can hold up to ${MAX_FILES} files.`;
        break;
      }
      const type = declaredType(file);
      const kind = type.split('/')[0] as Kind;
      if (!['image', 'video', 'audio'].includes(kind) || type === 'image/svg+xml') {
        message.textContent = `“${file.name}” is not a photo, video or sound recording.`;
        continue;
      }
      const id = nextId++;
      const alt =
        kind === 'image'
          ? h('textarea', {
              id: `alt-${id}`,
              rows: 2,
              maxLength: 1000,
              placeholder: 'e.g. Three children planting sunflowers',
              'aria-describedby': 'alt-hint',
            })
          : h('input', { id: `alt-${id}`, type: 'text', maxLength: 1000 });
      attachments.push({ id, file, type, kind, url: URL.createObjectURL(file), alt });
    }
    renderAttachments();
  };

  const picker = (accept: string, multiple: boolean, capture?: string) => {
    const input = h('input', { type: 'file', accept, multiple, capture, hidden: true, tabindex: -1, 'aria-hidden': 'true' });
    input.addEventListener('change', () => {
      add(input.files ?? []);
      input.value = '';
    });
    return input;
  };
  const inputs = {
    camera: picker('image/*', false, 'environment'),
    photos: picker('image/*,video/*,audio/*', true),
    video: picker('video/*', false, 'environment'),
  };
  const tool = (label: string, name: IconName, onclick: () => void) =>
    h('button', { type: 'button', class: 'tool', onclick }, icon(name), h('span', null, label));
  const toolbar = h(
    'div',
    { class: 'tools', role: 'group', 'aria-label': 'Add to the post' },
    tool('Camera', 'camera', () => inputs.camera.click()),
    tool('Photos', 'photos', () => inputs.photos.click()),
    tool('Video', 'video', () => inputs.video.click()),
    tool('Sound', 'mic', async () => {
      const file = await options.record(recorderPanel);
      if (file) add([file]);
    }),
    Object.values(inputs),
  );

  const form = h(
    'form',
    { id: 'composer', class: 'composer', novalidate: true },
    h('h1', { class: 'vh' }, 'New post'),
    list,
    altHint,
    recorderPanel,
    h('div', { class: 'field' }, h('label', { for: 'caption' }, 'Caption'), caption, tagLine, suggestions),
    h(
      'fieldset',
      { class: 'audience' },
      h('legend', null, 'Who can see it?'),
      h(
        'div',
        { class: 'chips' },
        choices.map((choice, i) => h('label', { class: 'chip' }, boxes[i], h('span', null, choice.label))),
      ),
      audienceHint,
    ),
    message,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    const audience = selectedAudience();
    const text = caption.value.trim();
    if (attachments.length === 0 && !text) {
      message.textContent = 'Add a photo, a video, a recording or a caption first.';
      return;
    }
    if (audience.length === 0) {
      message.textContent = 'Choose who can see it.';
      boxes[0]?.focus();
      return;
    }
    const missingAlt = attachments.find((a) => a.kind === 'image' && !a.alt.value.trim());
    if (missingAlt && !askedForAlt) {
      // Asked once, not forced: a rushed teacher can still post.
      askedForAlt = true;
      message.textContent = 'Please describe each photo for parents using screen readers — or tap Post again to send without.';
      missingAlt.alt.focus();
      return;
    }
    const entry: OutboxEntry = {
      key: newKey(),
      createdAt: new Date().toISOString(),
      audience,
      caption: text,
      files: attachments.map((a) => ({ blob: a.file, name: a.file.name, type: a.type, alt: a.alt.value.trim() })),
      state: 'queued',
      attempts: 0,
    };
    await options.onSubmit(entry);
    localStorage.setItem(LAST_AUDIENCE_KEY, audience.join(','));
    const recent = JSON.parse(localStorage.getItem(RECENT_TAGS_KEY) ?? '[]') as string[];
    localStorage.setItem(RECENT_TAGS_KEY, JSON.stringify([...new Set([...tagsOf(text), ...recent])].slice(0, 12)));
    for (const a of attachments) URL.revokeObjectURL(a.url);
    attachments = [];
    askedForAlt = false;
    caption.value = '';
    renderAttachments();
    renderTags();
  });

  renderTags();
  return { form, toolbar };
}
