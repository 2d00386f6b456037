/**
 * Cards for posts on their way: queued (offline), uploading with a progress bar per file, then the
 * post's live status from the API (processing n% → live, or a readable failure) and a link to it.
 */
import { h, replace } from '../shared/dom';
import { type Api, ApiError, type PostView } from './api';
import { askToShow, faceReview } from './faces';
import { type OutboxEntry, type OutboxFile, outbox } from './outbox';
import type { SendEvent } from './sender';
import { describe, type Tone, track, waitsForFaces } from './status';
import { formatBytes, snippet } from './ui';

interface Card {
  root: HTMLElement;
  status: HTMLElement;
  link: HTMLElement;
  actions: HTMLElement;
  bars: { bar: HTMLProgressElement; label: HTMLElement; sent: number; total: number }[];
  stopTracking?: () => void;
  /** The post as composed: its files on this phone draw the face review, its audience says who will see it. */
  files: OutboxFile[];
  audience: string[];
  reviewing?: boolean;
}

/** Who will see a post, in the words of the face review's questions. */
export function audienceWords(audience: string[]): string {
  if (audience.includes('public')) return 'anyone on the internet (the school website, its feeds and widget)';
  if (audience.includes('school')) return 'every family of the school';
  return 'the families of the classes you chose';
}

const blurReasonWords = {
  consent: 'some pupils in the classes pictured have no photo consent for this audience',
  setting: 'the school blurs faces in public posts',
} as const;

export interface ActivityOptions {
  api: () => Api | undefined;
  /** Sends a refused post again; `consentConfirmed` when the teacher confirmed the pupils named cannot be recognised. */
  retry(key: string, consentConfirmed?: boolean): void;
  announce(text: string): void;
}

export class Activity {
  readonly el = h('section', { class: 'activity', 'aria-label': 'Sending' });
  private readonly cards = new Map<string, Card>();

  constructor(private readonly options: ActivityOptions) {}

  /** Shows a card for an outbox entry (new, or found in the outbox at start). */
  show(entry: OutboxEntry): void {
    this.cards.get(entry.key)?.root.remove();
    const status = h('p', { class: 'status busy' });
    const link = h('p', { class: 'post-link' });
    const actions = h('div', { class: 'card-actions' });
    const bars = entry.files.map((file, i) => {
      const bar = h('progress', { max: 100, value: 0, id: `bar-${entry.key}-${i}` });
      return {
        bar,
        label: h('label', { for: bar.id }, `${file.name} · ${formatBytes(file.blob.size)}`),
        sent: 0,
        total: file.blob.size,
      };
    });
    const root = h(
      'article',
      { class: 'card', 'data-key': entry.key },
      h('p', { class: 'card-caption' }, snippet(entry.caption)),
      status,
      bars.length > 0 &&
        h(
          'ul',
          { class: 'bars' },
          bars.map((b) => h('li', null, b.label, b.bar)),
        ),
      link,
      actions,
    );
    const card: Card = { root, status, link, actions, bars, files: entry.files, audience: entry.audience };
    this.cards.set(entry.key, card);
    this.el.prepend(root);
    if (entry.state === 'refused') this.refused(entry.key, entry.error ?? 'Corridor refused this post.', entry.needsConsent);
    else
      this.setStatus(
        card,
        navigator.onLine ? 'Waiting to send…' : 'Saved on this phone — it will be sent when you are back online.',
        'quiet',
      );
  }

  /** Applies a sender event to its card. */
  update(event: SendEvent): void {
    const card = this.cards.get(event.key);
    if (!card) return;
    switch (event.type) {
      case 'start':
        replace(card.actions);
        this.setStatus(card, 'Sending…', 'busy');
        break;
      case 'created':
        break;
      case 'progress': {
        const bar = card.bars[event.file];
        if (!bar) break;
        bar.sent = event.sent;
        bar.total = event.total || bar.total;
        bar.bar.value = bar.total ? Math.round((100 * bar.sent) / bar.total) : 100;
        const sent = card.bars.reduce((s, b) => s + b.sent, 0);
        const total = card.bars.reduce((s, b) => s + b.total, 0);
        this.setStatus(card, `Uploading ${total ? Math.floor((100 * sent) / total) : 100}%`, 'busy');
        break;
      }
      case 'waiting':
        this.setStatus(card, event.message, 'quiet');
        break;
      case 'refused':
        this.refused(event.key, event.message, event.needsConsent);
        break;
      case 'sent':
        for (const b of card.bars) b.bar.value = 100;
        this.setStatus(card, 'Uploaded — processing…', 'busy');
        this.follow(card, event.postId);
        break;
      default:
        event satisfies never;
    }
  }

  private follow(card: Card, postId: string): void {
    const api = this.options.api();
    if (!api) return;
    card.stopTracking?.();
    let lastLabel = '';
    card.stopTracking = track(
      api,
      postId,
      (post) => {
        const line = describe(post);
        this.setStatus(card, line.label, line.tone);
        this.showLink(card, post);
        if (line.final && waitsForFaces(post)) {
          void this.reviewFaces(card, post);
        }
        if (line.final && line.label !== lastLabel) this.options.announce(`${snippet(post.caption, 40)}: ${line.label}`);
        lastLabel = line.label;
      },
      () => this.setStatus(card, 'Waiting for the signal to check the status…', 'quiet'),
    );
  }

  /**
   * The face review: each photo from this phone with its faces outlined, to toggle, then Send. A post
   * whose photos show no face is sent at once. Sending restarts the status line (processing → live).
   */
  private async reviewFaces(card: Card, post: PostView): Promise<void> {
    const api = this.options.api();
    if (!api || card.reviewing) return;
    card.reviewing = true;
    const submit = async (faces?: Record<string, boolean[]>, consentConfirmed = false) => {
      await api.submit(post.id, { faces, consentConfirmed });
      replace(card.actions);
      this.follow(card, post.id);
    };
    const photos = post.media.flatMap((m, i) => {
      const file = card.files[i];
      if (!m.faceReview || !file) return [];
      return [
        {
          mediaId: m.id,
          src: URL.createObjectURL(file.blob),
          alt: file.alt,
          faces: m.faces ?? [],
          rulesBlur: m.faceChoice === 'blur',
        },
      ];
    });
    if (photos.every((p) => p.faces.length === 0)) {
      this.setStatus(card, 'No faces found — sending…', 'busy');
      // With no face to blur, pupils without consent are named as before, and the teacher confirms.
      const refused = (error: unknown) => {
        this.setStatus(card, `Not sent: ${error instanceof Error ? error.message : error}`, 'problem');
        if (error instanceof ApiError && error.code === 'consent_required') {
          const confirm = h('button', { type: 'button', class: 'primary' }, 'None of them can be recognised: post');
          confirm.addEventListener('click', () => {
            confirm.disabled = true;
            submit(undefined, true).catch(refused);
          });
          replace(card.actions, confirm);
        }
      };
      await submit().catch(refused);
      return;
    }
    const reason = post.media.find((m) => m.faceReview && m.faceBlurReason)?.faceBlurReason;
    const who = audienceWords(card.audience);
    let askedConsent = false;
    replace(
      card.actions,
      faceReview({
        photos,
        audienceWords: who,
        confirmShow: (face) => askToShow(face, reason ? blurReasonWords[reason] : 'the consent rules ask for it', who),
        send: async (choices, confirmed) => {
          try {
            await submit(choices, confirmed || askedConsent);
          } catch (error) {
            // The roster changed since the upload: the API names the pupils; a second tap confirms.
            if (error instanceof ApiError && error.code === 'consent_required' && !askedConsent) {
              askedConsent = true;
              throw new Error(`${error.message} Tap Send again to confirm none of them can be recognised.`);
            }
            throw error;
          }
        },
      }),
    );
    this.options.announce('Check the faces in your photos, then send the post.');
  }

  private showLink(card: Card, post: PostView): void {
    if (post.url && post.state === 'published') {
      replace(card.link, h('a', { href: post.url, target: '_blank', rel: 'noopener' }, 'View the post'));
    } else if (post.state === 'published') {
      replace(card.link, 'Sent to families only — it is not on the public page.');
    }
  }

  private refused(key: string, message: string, needsConsent = false): void {
    const card = this.cards.get(key);
    if (!card) return;
    this.setStatus(card, `Not sent: ${message}`, 'problem');
    replace(
      card.actions,
      needsConsent
        ? h(
            'button',
            { type: 'button', class: 'primary', onclick: () => this.options.retry(key, true) },
            'None of them can be recognised: post',
          )
        : h('button', { type: 'button', class: 'secondary', onclick: () => this.options.retry(key) }, 'Try again'),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary danger',
          onclick: async () => {
            const entry = await outbox.get(key);
            await outbox.remove(key);
            card.root.remove();
            this.cards.delete(key);
            // A post created before the refusal would otherwise wait forever for its files.
            if (entry?.postId)
              await this.options
                .api()
                ?.retract(entry.postId)
                .catch(() => undefined);
          },
        },
        'Discard',
      ),
    );
  }

  private setStatus(card: Card, text: string, tone: Tone): void {
    card.status.textContent = text;
    card.status.className = `status ${tone}`;
    card.root.dataset.tone = tone;
  }
}
