/**
 * What `docker push REPO[:TAG]` sends: the tag asked for, or (no tag) every local tag of the
 * repository, each with its image's kept blobs (kept-blobs.ts). A missing tag is Docker's 404:
 * `tag does not exist: REPO:TAG`, or `An image does not exist locally with the tag: REPO`.
 */
import { notFound } from '../../errors/index.js';
import type { PushRequest } from '../../model/registry.js';
import { familiarName } from './reference.js';
import { keptImage } from './kept-blobs.js';
import type { PushTag } from './registry/push.js';
import type { ImageStore } from './store.js';

export interface PushPlan {
  /** `HOST:PORT/team/app` as Docker shows it. */
  repository: string;
  tags: PushTag[];
  /** Every diff_id the tags' images use (pinned while the push runs). */
  diffIds: string[];
}

function tagsOf(store: ImageStore, request: PushRequest, repository: string): string[] {
  const { tag } = request.reference;
  if (tag !== undefined) {
    if (!store.find(`${repository}:${tag}`)) throw notFound('no-such-image', `tag does not exist: ${repository}:${tag}`);
    return [tag];
  }
  const tags = store.list().flatMap((image) => image.repoTags).filter((name) => name.startsWith(`${repository}:`)).map((name) => name.slice(repository.length + 1));
  if (tags.length === 0) throw notFound('no-such-image', `An image does not exist locally with the tag: ${repository}`);
  return tags.sort();
}

export async function planPush(store: ImageStore, request: PushRequest): Promise<PushPlan> {
  const repository = familiarName({ domain: request.reference.domain, path: request.reference.path });
  const tags: PushTag[] = [];
  const diffIds = new Set<string>();
  for (const tag of tagsOf(store, request, repository)) {
    const kept = await keptImage(store, store.get(`${repository}:${tag}`), `pushing ${repository}:${tag}`);
    for (const layer of kept.layers) diffIds.add(layer.diffId);
    const layers = kept.layers.map((layer) => ({ diffId: layer.diffId, digest: layer.blob.digest, mediaType: layer.blob.mediaType, size: layer.blob.size, file: layer.file }));
    tags.push({ tag, image: { configText: kept.configText, layers } });
  }
  return { repository, tags, diffIds: [...diffIds] };
}
