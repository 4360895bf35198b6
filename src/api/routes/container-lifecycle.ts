/** `docker rename`, `pause` and `unpause` (`update` is with the resources, in containers.ts). */
import type { ContainerService } from '../../engine/containers/container-service.js';
import { renameContainer } from '../../engine/containers/rename.js';
import type { EndpointService } from '../../engine/networks/endpoint-service.js';
import { sendEmpty } from '../http.js';
import type { Router } from '../router.js';

export function containerLifecycleRoutes(router: Router, deps: { containers: ContainerService; endpoints: EndpointService }): void {
  const { containers } = deps;
  router.add('POST', '/containers/{id}/rename', async ({ response, params, query }) => {
    await renameContainer(deps, params['id'] ?? '', query.get('name') ?? '');
    sendEmpty(response, 204);
  });

  router.add('POST', '/containers/{id}/pause', async ({ response, params }) => {
    await containers.pause(params['id'] ?? '');
    sendEmpty(response, 204);
  });

  router.add('POST', '/containers/{id}/unpause', async ({ response, params }) => {
    await containers.unpause(params['id'] ?? '');
    sendEmpty(response, 204);
  });
}
