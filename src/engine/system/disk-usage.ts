/**
 * `docker system df` (GET /system/df): images with the number of containers using each, the
 * containers' writable layers, the volumes' sizes and users, and no build cache (conet builds
 * nothing). `types` (API 1.42+) limits the walk to the kinds asked for; sizes are walked on
 * each request, as Docker's are.
 */
import { invalid } from '../../errors/index.js';
import type { Container } from '../../model/container.js';
import type { ImageRecord } from '../../model/image.js';
import type { Volume } from '../../model/volume.js';

export type UsageKind = 'image' | 'container' | 'volume' | 'build-cache';
const KINDS: readonly UsageKind[] = ['image', 'container', 'volume', 'build-cache'];

export interface DiskUsageDeps {
  images: {
    list(): ImageRecord[];
    /** Bytes of the image's layers other images share (Docker's SharedSize). */
    sharedSizeOf(imageId: string): number;
    /** Bytes of all layers, each once (Docker's LayersSize). */
    layersSize(): number;
  };
  containers: { all(): Container[] };
  volumes?: { all(): Volume[]; list(rawFilters: string | null): Volume[]; mountpoint(name: string): string };
  /** Bytes under a host path (a volume's mountpoint). */
  sizeOf(path: string): Promise<number>;
  /** Bytes in a container's writable layer. */
  sizeRw(id: string): Promise<number>;
}

export interface DiskUsage {
  layersSize: number;
  images?: Array<{ image: ImageRecord; containers: number; sharedSize: number }>;
  containers?: Array<{ container: Container; sizeRw: number; sizeRootFs: number }>;
  volumes?: Array<{ volume: Volume; mountpoint: string; size: number; refCount: number }>;
  buildCache?: [];
}

export function decodeUsageKinds(values: readonly string[]): UsageKind[] {
  for (const value of values) {
    if (!KINDS.includes(value as UsageKind)) throw invalid('df-type', `unknown object type: ${value}`);
  }
  return values.length === 0 ? [...KINDS] : (values as UsageKind[]);
}

export async function systemDiskUsage(deps: DiskUsageDeps, kinds: readonly UsageKind[]): Promise<DiskUsage> {
  const images = deps.images.list();
  const containers = deps.containers.all();
  const imageSize = new Map(images.map((image) => [image.id, image.size]));
  const usage: DiskUsage = { layersSize: deps.images.layersSize() };
  if (kinds.includes('image')) {
    usage.images = images.map((image) => ({
      image,
      containers: containers.filter((container) => container.imageId === image.id).length,
      sharedSize: deps.images.sharedSizeOf(image.id),
    }));
  }
  if (kinds.includes('container')) {
    usage.containers = await Promise.all(
      containers.map(async (container) => {
        // A container removed during the walk has no layer left to count.
        const sizeRw = await deps.sizeRw(container.id).catch(() => 0);
        return { container, sizeRw, sizeRootFs: sizeRw + (imageSize.get(container.imageId) ?? 0) };
      }),
    );
  }
  if (kinds.includes('volume') && deps.volumes) usage.volumes = await volumeUsage(deps, deps.volumes);
  if (kinds.includes('build-cache')) usage.buildCache = [];
  return usage;
}

async function volumeUsage(deps: DiskUsageDeps, volumes: NonNullable<DiskUsageDeps['volumes']>): Promise<NonNullable<DiskUsage['volumes']>> {
  const used = new Set(volumes.list(JSON.stringify({ dangling: ['false'] })).map((volume) => volume.name));
  return Promise.all(
    volumes.all().map(async (volume) => {
      const mountpoint = volumes.mountpoint(volume.name);
      // A volume removed during the walk has nothing left to count.
      return { volume, mountpoint, size: await deps.sizeOf(mountpoint).catch(() => 0), refCount: used.has(volume.name) ? 1 : 0 };
    }),
  );
}
