import { decodeVolumeCreate } from '../decode/volume-create.js';
import type { VolumeService } from '../../engine/volumes/volume-service.js';
import { readJson, sendEmpty, sendJson } from '../http.js';
import { renderVolume } from '../render/volume.js';
import type { Router } from '../router.js';
import { parseBool } from '../../util/filters.js';

export function volumeRoutes(router: Router, volumes: VolumeService): void {
  const render = (volume: Parameters<typeof renderVolume>[0]) => renderVolume(volume, volumes.mountpoint(volume.name));

  router.add('GET', '/volumes', ({ response, query }) => {
    sendJson(response, 200, { Volumes: volumes.list(query.get('filters')).map(render), Warnings: [] });
  });

  router.add('POST', '/volumes/create', async ({ request, response }) => {
    sendJson(response, 201, render(await volumes.create(decodeVolumeCreate(await readJson(request)))));
  });

  router.add('POST', '/volumes/prune', async ({ response, query, version }) => {
    const { removed, reclaimed } = await volumes.prune(query.get('filters'), version);
    sendJson(response, 200, { VolumesDeleted: removed, SpaceReclaimed: reclaimed });
  });

  router.add('GET', '/volumes/{name}', ({ response, params }) => {
    sendJson(response, 200, render(volumes.inspect(params['name'] ?? '')));
  });

  router.add('DELETE', '/volumes/{name}', async ({ response, params, query }) => {
    await volumes.remove(params['name'] ?? '', parseBool(query.get('force') ?? '') === true);
    sendEmpty(response, 204);
  });
}
