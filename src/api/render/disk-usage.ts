/** GET /system/df as Docker's types.DiskUsage: image and container summaries with sizes, volumes with UsageData. */
import type { NetworkView } from '../../engine/containers/views.js';
import type { DiskUsage } from '../../engine/system/disk-usage.js';
import type { Container } from '../../model/container.js';
import { renderListItem } from './container.js';
import { renderImageSummary } from './image.js';
import { renderVolume } from './volume.js';

export function renderDiskUsage(usage: DiskUsage, views: (container: Container) => NetworkView[], version: string): Record<string, unknown> {
  return {
    LayersSize: usage.layersSize,
    Images: usage.images?.map(({ image, containers, sharedSize }) => ({ ...renderImageSummary(image, version), Containers: containers, SharedSize: sharedSize })) ?? null,
    Containers: usage.containers?.map(({ container, sizeRw, sizeRootFs }) => ({ ...renderListItem(container, views(container), version), SizeRw: sizeRw, SizeRootFs: sizeRootFs })) ?? null,
    Volumes: usage.volumes?.map(({ volume, mountpoint, size, refCount }) => ({ ...renderVolume(volume, mountpoint), UsageData: { Size: size, RefCount: refCount } })) ?? null,
    BuildCache: usage.buildCache ?? null,
  };
}
