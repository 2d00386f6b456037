import { siteKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { replaceCapabilityToken } from './capabilities';
import { bumpRevision, newestPage } from './channel-index-store';
import type { Channel } from './channels';
import { renderChannel } from './render-channel';
import { deleteArtifactsUnder } from './site-store';

/**
 * Gives a private channel a new capability URL: the documents are rendered under the new token and
 * every object under the old one is deleted (and invalidated), so the old URL stops working at once.
 */
export async function rotateChannel(deps: Deps, channel: Channel): Promise<void> {
  const { previous } = await replaceCapabilityToken(deps, channel.id);
  // Before the old address is cleared: a render that located the old token sees the change, renders
  // again at the new address and removes what it wrote at the old one (see renderChannel).
  const { count } = await bumpRevision(deps, channel.id);
  const pages = Array.from({ length: newestPage(count, deps.config.feedPageSize) + 1 }, (_, i) => i);
  await renderChannel(deps, channel, pages);
  const oldPrefix = siteKeys.capabilityPrefix(previous);
  const oldKeys = await deleteArtifactsUnder(deps, oldPrefix);
  await deps.cdn.removed([`/${oldPrefix}*`, ...oldKeys.map((key) => `/${key}`)]);
}
