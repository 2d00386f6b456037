/**
 * The posts view: the school's recent posts with their status and a link, an in-place caption edit,
 * their translations (translations.ts), and Retract (one action removes a post from every channel). The API lists the school's posts; it
 * has no per-author filter yet.
 */
import { h, replace } from '../shared/dom';
import type { Api, PostView } from './api';
import { reachButton } from './reach';
import { describe, track, waitsForFaces } from './status';
import { translationsButton } from './translations';
import { audienceLabel, formatDate, snippet } from './ui';

export interface MyPostsOptions {
  api: Api;
  classes: { id: string; name: string }[];
  announce(text: string): void;
}

/** Renders the list into `container` (a fresh load each time the view opens). */
export async function showMyPosts(container: HTMLElement, options: MyPostsOptions): Promise<void> {
  const heading = h('h1', { tabindex: -1 }, 'Recent posts');
  replace(container, heading, h('p', { class: 'hint', role: 'status' }, 'Loading…'));
  heading.focus();
  let posts: PostView[];
  try {
    posts = await options.api.listPosts();
  } catch (error) {
    replace(
      container,
      heading,
      h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : 'The posts could not be loaded.'),
    );
    return;
  }
  replace(
    container,
    heading,
    posts.length === 0
      ? h('p', null, 'No posts yet.')
      : h(
          'ul',
          { class: 'my-posts' },
          posts.map((post) => postItem(post, options)),
        ),
  );
}

/** States in which a post has, or will have, translations (as the API allows corrections). */
const translatable: ReadonlySet<PostView['state']> = new Set([
  'draft',
  'processing',
  'pending_approval',
  'scheduled',
  'published',
]);

function postItem(initial: PostView, options: MyPostsOptions): HTMLLIElement {
  const caption = h('p', { class: 'card-caption' });
  const meta = h('p', { class: 'meta' });
  const status = h('p', { class: 'status' });
  const link = h('p', { class: 'post-link' });
  const actions = h('div', { class: 'card-actions' });
  const reach = h('div');
  const translations = h('div');
  const review = h('div');
  const item = h(
    'li',
    { class: 'card', 'data-post': initial.id },
    caption,
    meta,
    status,
    link,
    review,
    reach,
    translations,
    actions,
  );
  let latest = initial;
  let stopTracking: (() => void) | undefined;
  /** After a change, follows the post until every channel shows it (or it is gone everywhere). */
  const follow = (post: PostView) => {
    stopTracking?.();
    show(post);
    stopTracking = track(options.api, post.id, show, () => undefined);
  };

  /** Updates what the card says; the buttons stay put (a half-done two-tap retract or an open edit survives). */
  const show = (post: PostView) => {
    latest = post;
    const line = describe(post);
    caption.textContent = snippet(post.caption, 120);
    meta.textContent = `${formatDate(post.publishedAt ?? post.createdAt)} · ${audienceLabel(post.audience, options.classes)}`;
    status.textContent = line.label;
    status.className = `status ${line.tone}`;
    replace(
      link,
      post.url &&
        post.state === 'published' &&
        h(
          'a',
          { href: post.url, target: '_blank', rel: 'noopener' },
          'View the post',
          h('span', { class: 'vh' }, ` (${snippet(post.caption, 40)})`),
        ),
    );
    if (post.state === 'retracted') replace(actions);
    // Published once: who it reached (counts only). Kept once shown, so a re-render does not reset it.
    if (post.state === 'published' && !reach.firstChild) replace(reach, reachButton(options.api, post.id));
    if (post.state === 'retracted') replace(reach);
    // Before publishing (waiting for approval or its time) and after: which languages, and corrections.
    if (translatable.has(post.state) && !translations.firstChild)
      replace(translations, translationsButton(options.api, post.id, options.announce));
    if (!translatable.has(post.state)) replace(translations);
    replace(review, waitsForFaces(post) && sendBlurredButton(post));
  };

  /**
   * A draft whose faces were never chosen (the phone that took the photos closed before Send): its photos
   * are not on this phone to show, so it can go out with every face blurred, which needs no consent.
   */
  const sendBlurredButton = (post: PostView) => {
    const button = h('button', { type: 'button', class: 'primary' }, 'Send with every face blurred');
    button.addEventListener('click', async () => {
      button.disabled = true;
      const faces = Object.fromEntries(
        post.media.filter((m) => m.faceReview).map((m) => [m.id, (m.faces ?? []).map(() => true)]),
      );
      try {
        await options.api.submit(post.id, { faces });
        follow(await options.api.getPost(post.id));
        options.announce('Sent with every face blurred.');
      } catch (error) {
        button.disabled = false;
        status.textContent = error instanceof Error ? error.message : 'The post could not be sent.';
        status.className = 'status problem';
      }
    });
    return h('div', null, h('p', { class: 'hint' }, 'Its faces were not chosen before the composer closed.'), button);
  };
  const showActions = () => replace(actions, latest.state !== 'retracted' && [editButton(), retractButton()]);

  const editButton = () =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          const field = h('textarea', { id: `edit-${latest.id}`, rows: 4, maxLength: 5000 });
          field.value = latest.caption;
          const problem = h('p', { class: 'error', role: 'alert' });
          const save = h('button', { type: 'submit', class: 'primary' }, 'Save caption');
          const form = h(
            'form',
            { class: 'edit' },
            h('label', { for: field.id }, 'Caption'),
            field,
            problem,
            h(
              'div',
              { class: 'card-actions' },
              save,
              h('button', { type: 'button', class: 'secondary', onclick: showActions }, 'Cancel'),
            ),
          );
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            save.disabled = true;
            try {
              const edited = await options.api.editCaption(latest.id, field.value.trim());
              follow(edited);
              showActions();
              options.announce(
                edited.pendingChange
                  ? 'Your new caption waits for an admin’s approval. Until then, the post shows as it was.'
                  : 'Caption saved. Every channel will show the new one.',
              );
            } catch (error) {
              save.disabled = false;
              problem.textContent = error instanceof Error ? error.message : 'The caption could not be saved.';
            }
          });
          replace(actions, form);
          field.focus();
        },
      },
      'Edit caption',
    );

  const retractButton = () => {
    const button = h('button', { type: 'button', class: 'secondary danger' }, 'Retract');
    let armed = false;
    button.addEventListener('click', async () => {
      // Two taps instead of a blocking confirm() dialog: the second one says exactly what happens.
      if (!armed) {
        armed = true;
        button.textContent = 'Tap again to remove it everywhere';
        setTimeout(() => {
          armed = false;
          button.textContent = 'Retract';
        }, 5000);
        return;
      }
      button.disabled = true;
      try {
        await options.api.retract(latest.id);
        follow(await options.api.getPost(latest.id));
        options.announce('Post retracted. It is being removed from every channel.');
      } catch (error) {
        button.disabled = false;
        status.textContent = error instanceof Error ? error.message : 'The post could not be retracted.';
        status.className = 'status problem';
      }
    });
    return button;
  };

  show(initial);
  showActions();
  // The list carries no files: a draft is read in full to know whether its faces wait for a choice.
  if (initial.state === 'draft') void options.api.getPost(initial.id).then(show, () => undefined);
  return item;
}
