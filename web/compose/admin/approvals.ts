/**
 * Approvals: staff posts waiting for an admin, shown as they would go out (the processed pictures,
 * players and caption). Approve in one tap; send back with a reason in one tap after typing it.
 */

import type { InferResponseType } from 'hono/client';
import { type ApiClient, answer, segment } from '../../../functions/api/client';
import { h, replace } from '../../shared/dom';
import type { FaceView } from '../api';
import { outlinedPhoto } from '../faces';
import { audienceLabel, formatDate } from '../ui';
import { type AdminContext, count, problem, screen, show, statusLine } from './kit';

type WaitingPost = InferResponseType<ApiClient['api']['approvals']['$get'], 200>['posts'][number];
type PreviewMedia = WaitingPost['preview'][number];
type PreviewOutput = PreviewMedia['outputs'][number];

/** The output to show on a phone: a JPEG near 640 px wide (sharp on a 2× screen at card width). */
function pick(media: PreviewMedia, role: PreviewOutput['role'], type?: string): PreviewOutput | undefined {
  const candidates = media.outputs.filter((o) => o.role === role && (!type || o.contentType === type));
  return candidates.find((o) => o.width === 640) ?? candidates.sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
}

/**
 * One file as it would go out. A photo carries the same face outlines the author chose with (blurred or
 * clear); a video says how many faces its poster has, since its frames are not blurred.
 */
function mediaPreview(media: PreviewMedia, faces: FaceView[] = []): HTMLElement | undefined {
  const alt = media.alt || 'Photo without a description';
  if (media.kind === 'image') {
    const image = pick(media, 'image', 'image/jpeg');
    if (!image) return undefined;
    return faces.length > 0 ? outlinedPhoto(image.url, alt, faces) : h('img', { src: image.url, alt, loading: 'lazy' });
  }
  if (media.kind === 'video' && faces.length > 0) {
    const player = playerFor(media);
    const blurred = faces.filter((f) => f.blur).length;
    return h(
      'div',
      null,
      player,
      h(
        'p',
        { class: 'hint' },
        `Poster picture: ${faces.length} faces, ${blurred} blurred. Faces in the video itself are not blurred.`,
      ),
    );
  }
  return playerFor(media);
}

function playerFor(media: PreviewMedia): HTMLElement | undefined {
  const source = pick(media, media.kind);
  if (!source) return undefined;
  if (media.kind === 'audio')
    return h('audio', { controls: true, preload: 'metadata', src: source.url, 'aria-label': media.alt || 'Recording' });
  return h('video', {
    controls: true,
    preload: 'metadata',
    playsinline: true,
    src: source.url,
    poster: pick(media, 'poster', 'image/jpeg')?.url,
    'aria-label': media.alt || 'Video',
  });
}

export async function showApprovals(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(main, 'Approvals', 'Staff posts go out only once an admin approves them. Look, then approve or send back.');
  await show(
    body,
    'approvals',
    async () => (await answer(context.api.client.api.approvals.$get())).posts,
    (posts, read) =>
      posts.length === 0
        ? h('p', null, 'Nothing is waiting. When approval is on, staff posts appear here.')
        : [
            h('p', { class: 'hint' }, `${count(posts.length, 'post')} waiting.`),
            h(
              'ul',
              { class: 'admin-list' },
              posts.map((post) => approvalCard(post, context, !read.savedAt)),
            ),
          ],
    'the approval queue',
  );
}

function approvalCard(post: WaitingPost, context: AdminContext, online: boolean): HTMLLIElement {
  const status = statusLine();
  const actions = h('div', { class: 'card-actions' });
  const headingId = `approval-${post.id}`;
  const item = h(
    'li',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId, class: 'card-caption' }, post.caption.trim() || 'A post without a caption'),
    h(
      'p',
      { class: 'meta' },
      `By ${post.author} · ${formatDate(post.createdAt)} · to ${audienceLabel(post.audience, context.school?.classes ?? [])}`,
    ),
    h(
      'div',
      { class: 'preview' },
      post.preview.map((m, i) => mediaPreview(m, post.media[i]?.faces)),
    ),
    actions,
    status,
  );
  const done = async (text: string) => {
    replace(actions);
    status.ok(text);
    context.announce(text);
    await context.onApprovalsChanged();
  };
  const approve = h('button', { type: 'button', class: 'primary' }, 'Approve and publish');
  approve.addEventListener('click', async () => {
    approve.disabled = true;
    try {
      await answer(context.api.client.api.approvals[':id'].approve.$post({ param: { id: segment(post.id) } }));
      await done('Approved: it is being published everywhere it was meant for.');
    } catch (error) {
      approve.disabled = false;
      status.fail(problem(error, 'Approving'));
    }
  });
  const sendBack = h('button', { type: 'button', class: 'secondary' }, 'Send back…');
  sendBack.addEventListener('click', () => {
    const field = h('textarea', { id: `reason-${post.id}`, rows: 3, maxLength: 500, required: true });
    const send = h('button', { type: 'submit', class: 'primary' }, `Send back to ${post.author}`);
    const form = h(
      'form',
      { class: 'edit' },
      h('label', { for: field.id }, 'Why? (the author gets this by email)'),
      field,
      h(
        'div',
        { class: 'card-actions' },
        send,
        h('button', { type: 'button', class: 'secondary', onclick: () => replace(actions, approve, sendBack) }, 'Cancel'),
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const reason = field.value.trim();
      if (!reason) {
        status.fail('Write a reason first: the author needs to know what to change.');
        field.focus();
        return;
      }
      send.disabled = true;
      try {
        await answer(
          context.api.client.api.approvals[':id']['send-back'].$post({ param: { id: segment(post.id) }, json: { reason } }),
        );
        await done(`Sent back to ${post.author} with your reason. It is back in their drafts.`);
      } catch (error) {
        send.disabled = false;
        status.fail(problem(error, 'Sending back'));
      }
    });
    replace(actions, form);
    field.focus();
  });
  if (online) replace(actions, approve, sendBack);
  return item;
}
