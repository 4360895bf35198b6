/**
 * `docker rmi` as moby's ImageDelete: by reference (a tag or a digest) the reference goes, and when
 * no tag of that repository is left its digest references go too; the image itself goes when no
 * reference is left and no container uses it. By id, every reference goes with the image, unless
 * they name several repositories (must force) or a container uses it (cannot be forced). Whatever
 * layers the image alone used are freed by the store (store.delete).
 */
import { conflict, notFound } from '../../errors/index.js';
import type { DeleteRecord, ImageRecord } from '../../model/image.js';
import { isDigestReference, repositoryOf } from './digest-reference.js';
import { parseReference, looksLikeId } from './reference.js';
import { normalizeReference, type ImageStore } from './store.js';

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
const repositoryOfAny = (reference: string): string => (isDigestReference(reference) ? repositoryOf(reference) : parseReference(reference).repository);

export interface RemoveResult {
  records: DeleteRecord[];
  /** Bytes of the layers freed. */
  freed: number;
}

async function untag(store: ImageStore, references: readonly string[], records: DeleteRecord[]): Promise<void> {
  for (const reference of references) {
    await store.untag(reference);
    records.push({ Untagged: reference });
  }
}

async function removeReference(store: ImageStore, image: ImageRecord, reference: string, user: string | undefined, force: boolean): Promise<DeleteRecord[]> {
  const references = [...image.repoTags, ...image.repoDigests];
  if (user && references.length === 1 && !force) {
    throw conflict('image-in-use', `conflict: unable to remove repository reference "${reference}" (must force) - container ${short(user)} is using its referenced image ${short(image.id)}`);
  }
  const records: DeleteRecord[] = [];
  await untag(store, [reference], records);
  const repository = repositoryOfAny(reference);
  if (!isDigestReference(reference) && !image.repoTags.some((tag) => repositoryOfAny(tag) === repository)) {
    await untag(store, image.repoDigests.filter((digest) => repositoryOf(digest) === repository), records);
  }
  return records;
}

/** moby's isSingleReference: at most one tag, and every digest reference in that tag's repository. */
function isSingleReference(image: ImageRecord): boolean {
  if (image.repoTags.length + image.repoDigests.length <= 1) return true;
  if (image.repoTags.length > 1) return false;
  const canonical = new Set(image.repoDigests.map(repositoryOf));
  const single = image.repoTags[0] !== undefined ? repositoryOfAny(image.repoTags[0]) : repositoryOf(image.repoDigests[0]!);
  return canonical.size === 1 && canonical.has(single);
}

export async function removeImage(store: ImageStore, user: string | undefined, name: string, force: boolean): Promise<RemoveResult> {
  const image = store.find(name);
  const reference = normalizeReference(name);
  if (!image) throw notFound('no-such-image', `No such image: ${looksLikeId(name) || reference === undefined ? name : reference}`);
  const byReference = reference !== undefined && (image.repoTags.includes(reference) || image.repoDigests.includes(reference));
  let records: DeleteRecord[] = [];
  if (byReference) {
    records = await removeReference(store, image, reference, user, force);
    if (image.repoTags.length > 0 || image.repoDigests.length > 0 || user) return { records, freed: 0 };
  } else {
    if (image.repoTags.length + image.repoDigests.length > 0 && !isSingleReference(image) && !force) {
      throw conflict('image-multiple-tags', `conflict: unable to delete ${short(image.id)} (must be forced) - image is referenced in multiple repositories`);
    }
    if (user) throw conflict('image-in-use', `conflict: unable to delete ${short(image.id)} (cannot be forced) - image is being used by container ${short(user)}`);
    await untag(store, [...image.repoTags, ...image.repoDigests], records);
  }
  const freed = await store.delete(image.id);
  records.push({ Deleted: image.id });
  return { records, freed };
}
