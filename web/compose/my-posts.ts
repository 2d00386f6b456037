/**
 * "My posts": the staff member's recent posts with their status, a link, and Retract (one action
 * removes a post from every channel). Until the API lists posts (`GET /api/posts?mine=1`), it lists the
 * posts sent from this device and asks the API for each one's current state.
 */
import { h, replace } from '../shared/dom';
import { type Api, ApiError, type PostView } from './api';
import { sent } from './outbox';
import { describe } from './status';
import { audienceLabel, formatDate, snippet } from './ui';

const CONCURRENCY = 4;

async function loadPosts(api: Api): Promise<{ posts: PostView[]; local: boolean }> {
  const listed = await api.listPosts();
  if (listed) return { posts: listed, local: false };
  const records = (await sent.all()).slice(0, 30);
  const posts: PostView[] = [];
  for (let i = 0; i < records.length; i += CONCURRENCY) {
    const batch = await Promise.all(
      records.slice(i, i + CONCURRENCY).map(async (record) => {
        try {
          return await api.getPost(record.postId);
        } catch (error) {
          // Gone from the server (or another school's): forget it here too.
          if (error instanceof ApiError && error.status === 404) await sent.remove(record.postId);
          else throw error;
          return undefined;
        }
      }),
    );
    posts.push(...batch.filter((p): p is PostView => p !== undefined));
  }
  return { posts, local: true };
}

export interface MyPostsOptions {
  api: Api;
  classes: { id: string; name: string }[];
  announce(text: string): void;
}

/** Renders the list into `container` (a fresh load each time the view opens). */
export async function showMyPosts(container: HTMLElement, options: MyPostsOptions): Promise<void> {
  const heading = h('h1', { tabindex: -1 }, 'My posts');
  replace(container, heading, h('p', { class: 'hint', role: 'status' }, 'Loading…'));
  heading.focus();
  let result: { posts: PostView[]; local: boolean };
  try {
    result = await loadPosts(options.api);
  } catch (error) {
    replace(
      container,
      heading,
      h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : 'Your posts could not be loaded.'),
    );
    return;
  }
  const { posts, local } = result;
  replace(
    container,
    heading,
    local && h('p', { class: 'hint' }, 'Posts sent from this device.'),
    posts.length === 0
      ? h('p', null, 'No posts yet.')
      : h(
          'ul',
          { class: 'my-posts' },
          posts.map((post) => postItem(post, options)),
        ),
  );
}

function postItem(post: PostView, options: MyPostsOptions): HTMLLIElement {
  const line = describe(post);
  const status = h('p', { class: `status ${line.tone}` }, line.label);
  const actions = h('div', { class: 'card-actions' });
  const item = h(
    'li',
    { class: 'card', 'data-post': post.id },
    h('p', { class: 'card-caption' }, snippet(post.caption, 120)),
    h(
      'p',
      { class: 'meta' },
      `${formatDate(post.publishedAt ?? post.createdAt)} · ${audienceLabel(post.audience, options.classes)}`,
    ),
    status,
    post.url &&
      post.state === 'published' &&
      h('p', { class: 'post-link' }, h('a', { href: post.url, target: '_blank', rel: 'noopener' }, 'View the post')),
    actions,
  );
  if (post.state === 'retracted') return item;
  const retract = h('button', { type: 'button', class: 'secondary danger' }, 'Retract');
  let armed = false;
  retract.addEventListener('click', async () => {
    // Two taps instead of a blocking confirm() dialog: the second one says exactly what happens.
    if (!armed) {
      armed = true;
      retract.textContent = 'Tap again to remove it everywhere';
      setTimeout(() => {
        armed = false;
        retract.textContent = 'Retract';
      }, 5000);
      return;
    }
    retract.disabled = true;
    try {
      await options.api.retract(post.id);
      status.textContent = 'Retracted';
      status.className = 'status quiet';
      item.querySelector('.post-link')?.remove();
      replace(actions);
      options.announce('Post retracted. It is being removed from every channel.');
    } catch (error) {
      retract.disabled = false;
      status.textContent = error instanceof Error ? error.message : 'The post could not be retracted.';
      status.className = 'status problem';
    }
  });
  replace(actions, retract);
  return item;
}
