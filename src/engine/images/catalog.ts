/**
 * The image operations the API offers (list, inspect, import, load, tag, remove, pull), as the
 * engine's contract. `runtime/images` implements it; front doors reach images only through it.
 */
import type { Readable, Writable } from 'node:stream';
import type { DeleteRecord, ImageRecord, ImportRequest } from '../../model/image.js';
import type { LoginRequest, PullEvent, PullRequest, PushEvent, PushRequest } from '../../model/registry.js';

export interface ImageCatalog {
  /** `docker images`; `rawFilters` is the request's `filters` query (a bad one throws invalid). */
  list(rawFilters?: string | null): ImageRecord[];
  /** Throws not-found for an unknown name or id. */
  inspect(name: string): ImageRecord;
  /** The image's layer directories, bottom first. */
  layersOf(imageId: string): string[];
  importTar(body: Readable, request: ImportRequest): Promise<ImageRecord>;
  /** `docker load`: returns Docker's progress lines ("Loaded image: …"). */
  load(body: Readable): Promise<string[]>;
  tag(name: string, repo: string, tag: string): Promise<void>;
  remove(name: string, options?: { force?: boolean }): Promise<DeleteRecord[]>;
  /**
   * `docker pull`: failures before the first event are plain errors (the API answers them with
   * a status); after it, the API sends them as an error line of the stream.
   */
  pull(request: PullRequest, emit: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord>;
  /**
   * `docker push`: the repository's tag (or every tag of it); failures before the first event
   * are plain errors, as for pull.
   */
  push(request: PushRequest, emit: (event: PushEvent) => void, signal: AbortSignal): Promise<void>;
  /**
   * `docker save`: checks every name first (an unknown one throws before anything is written),
   * then returns a function writing the `docker load`-able tar to `out`.
   */
  save(names: readonly string[]): (out: Writable) => Promise<void>;
  /** `docker login`: throws unauthorized (401) for credentials the registry refuses. */
  login(request: LoginRequest): Promise<void>;
  /** `docker image prune`: what was untagged and deleted, and the bytes of the layers freed. */
  prune(rawFilters: string | null): Promise<{ deleted: DeleteRecord[]; reclaimed: number }>;
}
