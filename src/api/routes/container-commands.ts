/**
 * The commands users reach for beyond the lifecycle: `docker top`, `docker export`,
 * `docker container prune` and `docker system df`. Thin: decode the query, call the engine,
 * render Docker's shape. The export is a tar of the container's root, streamed (never held).
 */
import { pipeline } from 'node:stream/promises';
import type { ContainerArchives } from '../../engine/containers/container-archive.js';
import type { TopResult } from '../../engine/containers/container-top.js';
import type { NetworkView } from '../../engine/containers/views.js';
import { decodeUsageKinds, type DiskUsage, type UsageKind } from '../../engine/system/disk-usage.js';
import type { Container } from '../../model/container.js';
import { commonHeaders, sendJson } from '../http.js';
import { renderDiskUsage } from '../render/disk-usage.js';
import type { Router } from '../router.js';

export interface ContainerCommands {
  top(reference: string, psArgs: string): Promise<TopResult>;
  prune(rawFilters: string | null): Promise<{ deleted: string[]; reclaimed: number }>;
  diskUsage(kinds: readonly UsageKind[]): Promise<DiskUsage>;
  archives: ContainerArchives;
  views(container: Container): NetworkView[];
}

export function containerCommandRoutes(router: Router, commands: ContainerCommands): void {
  router.add('GET', '/containers/{id}/top', async ({ response, params, query }) => {
    const top = await commands.top(params['id'] ?? '', query.get('ps_args') ?? '');
    sendJson(response, 200, { Titles: top.titles, Processes: top.processes });
  });

  router.add('GET', '/containers/{id}/export', async ({ response, params }) => {
    await commands.archives.read(params['id'] ?? '', '/', async (_stat, archive) => {
      response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/x-tar' });
      await pipeline(archive, response);
    });
  });

  router.add('POST', '/containers/prune', async ({ response, query }) => {
    const pruned = await commands.prune(query.get('filters'));
    sendJson(response, 200, { ContainersDeleted: pruned.deleted.length > 0 ? pruned.deleted : null, SpaceReclaimed: pruned.reclaimed });
  });

  router.add('GET', '/system/df', async ({ response, query, version }) => {
    const usage = await commands.diskUsage(decodeUsageKinds(query.getAll('type')));
    sendJson(response, 200, renderDiskUsage(usage, (container) => commands.views(container), version));
  });
}
