/**
 * The faces of a post's photos, outlined on the picture. The composer's review makes each face a toggle
 * (blurred or clear) before the post goes out; the approver's queue shows the same outlines, read only.
 * Only boxes come from the server (functions/core/media/faces): nothing about a face but where it is.
 */
import { type Child, h, replace } from '../shared/dom';
import type { FaceView } from './api';

/** One photo to review: where to draw it from, its faces, and whether the consent rules blur them. */
export interface ReviewPhoto {
  mediaId: string;
  /** The teacher's own file on this phone (the server's draft render is never fetched). */
  src: string;
  alt: string;
  faces: FaceView[];
  /** The rules (consent, or the school's setting) start this photo's faces blurred. */
  rulesBlur: boolean;
}

export interface ReviewOptions {
  photos: ReviewPhoto[];
  /** Who will see the post, in words ("anyone on the internet"). */
  audienceWords: string;
  /** Asks the teacher to confirm showing a face the rules blur; resolves true when they confirm. */
  confirmShow(face: string): Promise<boolean>;
  /** Sends the post with one blur flag per face, per photo; `consentConfirmed` when a face was shown against the rules. */
  send(choices: Record<string, boolean[]>, consentConfirmed: boolean): Promise<void>;
}

const faceWords = (n: number) => `${n} ${n === 1 ? 'face' : 'faces'}`;

/** Places a box over its face: positions in percent of the picture, so it holds at any width. */
function place(el: HTMLElement, face: FaceView): HTMLElement {
  Object.assign(el.style, {
    left: `${(face.x + face.w / 2) * 100}%`,
    top: `${(face.y + face.h / 2) * 100}%`,
    width: `${face.w * 100}%`,
    height: `${face.h * 100}%`,
  });
  return el;
}

const stateWord = (blurred: boolean) => (blurred ? 'blurred' : 'clear');

/** A picture with its faces outlined and named, read only (the approver's view). */
export function outlinedPhoto(src: string, alt: string, faces: FaceView[]): HTMLElement {
  return h(
    'figure',
    { class: 'faces-photo' },
    h('img', { src, alt }),
    faces.map((face, i) =>
      place(
        h('span', {
          class: `face-box${face.blur ? ' blurred' : ''}`,
          role: 'img',
          'aria-label': `Face ${i + 1} of ${faces.length}, ${stateWord(face.blur)}`,
        }),
        face,
      ),
    ),
    h(
      'figcaption',
      { class: 'hint' },
      faces.length === 0 ? 'No faces found.' : `${faceWords(faces.length)}: ${faces.filter((f) => f.blur).length} blurred.`,
    ),
  );
}

/** The review: every photo with a toggle per face, "Blur every face", a status in words and Send. */
export function faceReview(options: ReviewOptions): HTMLElement {
  const blur = new Map(options.photos.map((p) => [p.mediaId, p.faces.map(() => p.rulesBlur)]));
  let confirmed = false;
  const status = h('p', { class: 'faces-status', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert' });
  const groups = options.photos.map((_, index) => h('div', { role: 'group', 'aria-label': `Photo ${index + 1}` }));

  const total = () => [...blur.values()].flat();
  const render = () => {
    options.photos.forEach((photo, index) => {
      const flags = blur.get(photo.mediaId) ?? [];
      const n = photo.faces.length;
      const buttons = photo.faces.map((face, i) =>
        place(
          h('button', {
            type: 'button',
            class: `face-toggle${flags[i] ? ' blurred' : ''}`,
            'aria-pressed': String(Boolean(flags[i])),
            'aria-label': `Face ${i + 1} of ${n}, ${stateWord(Boolean(flags[i]))}`,
            onclick: () => void toggle(photo, i),
          }),
          face,
        ),
      );
      const summary: Child =
        n === 0
          ? 'No faces found.'
          : `${faceWords(n)}: ${flags.filter(Boolean).length} will be blurred, tap a face to change it.`;
      replace(
        groups[index] as HTMLElement,
        h('figure', { class: 'faces-photo' }, h('img', { src: photo.src, alt: photo.alt }), buttons),
        h('p', { class: 'hint' }, `Photo ${index + 1}: `, summary),
      );
    });
    const all = total();
    status.textContent =
      all.filter(Boolean).length === all.length
        ? `Every face (${all.length}) will be blurred.`
        : `${all.filter(Boolean).length} of ${faceWords(all.length)} will be blurred; ${all.filter((b) => !b).length} will be seen by ${options.audienceWords}.`;
  };

  const toggle = async (photo: ReviewPhoto, i: number) => {
    const flags = blur.get(photo.mediaId) ?? [];
    const showing = flags[i] === true;
    if (showing && photo.rulesBlur && !(await options.confirmShow(`Face ${i + 1} of ${photo.faces.length}`))) return;
    if (showing && photo.rulesBlur) confirmed = true;
    flags[i] = !flags[i];
    render();
    // Keep the focus on the face just changed (render draws new buttons).
    const group = groups[options.photos.indexOf(photo)];
    group?.querySelectorAll<HTMLButtonElement>('.face-toggle')[i]?.focus();
  };

  const send = h('button', { type: 'button', class: 'primary' }, 'Send the post');
  send.addEventListener('click', async () => {
    send.disabled = true;
    error.textContent = '';
    try {
      await options.send(Object.fromEntries(blur), confirmed);
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
      send.disabled = false;
    }
  });
  const blurAll = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        for (const flags of blur.values()) flags.fill(true);
        render();
      },
    },
    'Blur every face',
  );

  render();
  return h(
    'section',
    { class: 'faces-review', 'aria-label': 'Faces in your photos' },
    h('h2', null, 'Check the faces'),
    h(
      'p',
      { class: 'hint' },
      'Blurred faces (white frame) cannot be recognised in anything Corridor publishes; faces in a dashed yellow frame will be seen. Tap a face to blur it or show it.',
    ),
    groups,
    status,
    error,
    h('div', { class: 'faces-actions' }, blurAll, send),
  );
}

/**
 * Asks, in words, before a face the consent rules blur is shown: showing it is a consent confirmation,
 * recorded in the school's audit log. A modal <dialog> keeps the focus and answers to Escape.
 */
export function askToShow(face: string, why: string, audienceWords: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm-face', 'aria-labelledby': 'confirm-face-title' });
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.addEventListener('cancel', () => close(false));
    replace(
      dialog,
      h('h2', { id: 'confirm-face-title' }, `Show ${face.toLowerCase()}?`),
      h('p', null, `Faces in this post start blurred because ${why}.`),
      h(
        'p',
        null,
        `If you show this face, ${audienceWords} will be able to recognise this child. Only do this if you know the child's family agreed to it.`,
      ),
      h('p', null, 'Corridor records your confirmation, with your name and this post, in the school’s audit log.'),
      h(
        'div',
        { class: 'faces-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, 'Keep it blurred'),
        h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, 'I confirm: show it'),
      ),
    );
    document.body.append(dialog);
    dialog.showModal();
  });
}
