import type { Post, PostState } from './post';

/** What can happen to a post. Each maps to at most one next state (see `nextState`). */
export type PostEvent =
  | { kind: 'submit' } // a draft is sent: its files may still be processing
  | { kind: 'media_ready' } // every file processed
  | { kind: 'media_failed' } // a file was refused: nothing half-processed is published
  | { kind: 'approve' }
  | { kind: 'send_back' } // an approver returns it to the author's drafts
  | { kind: 'due' } // a scheduled post's time has come
  | { kind: 'retract' };

export interface LifecycleContext {
  now: Date;
  /** The school asks an admin to approve staff posts before they go out. */
  needsApproval: boolean;
}

/** Where a post goes once nothing stands between it and its audience but approval and its time. */
function release(post: Pick<Post, 'publishAt'>, context: LifecycleContext, approved: boolean): PostState {
  if (context.needsApproval && !approved) return 'pending_approval';
  if (post.publishAt && new Date(post.publishAt) > context.now) return 'scheduled';
  return 'published';
}

type Transitions = { [S in PostState]: Partial<Record<PostEvent['kind'], (post: Post, context: LifecycleContext) => PostState>> };

/** The state machine as a table: every state lists the events it accepts (the compiler checks every state is present). */
const transitions: Transitions = {
  draft: { submit: () => 'processing', retract: () => 'retracted' },
  processing: {
    media_ready: (post, context) => release(post, context, false),
    media_failed: () => 'failed',
    retract: () => 'retracted',
  },
  pending_approval: {
    approve: (post, context) => release(post, context, true),
    send_back: () => 'draft',
    retract: () => 'retracted',
  },
  scheduled: {
    due: (post, context) => (post.publishAt && new Date(post.publishAt) > context.now ? 'scheduled' : 'published'),
    retract: () => 'retracted',
  },
  published: { retract: () => 'retracted' },
  failed: { retract: () => 'retracted' },
  retracted: {},
};

/** The state after `event`, or undefined when the event does not apply in the post's state. */
export function nextState(post: Post, event: PostEvent, context: LifecycleContext): PostState | undefined {
  return transitions[post.state][event.kind]?.(post, context);
}

/** States whose content the channels show. */
export const isVisible = (state: PostState) => state === 'published';
