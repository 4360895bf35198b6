/**
 * GET /containers/{id}/stats: a stream of JSON frames, one a second (stream=true, the default),
 * or one frame (stream=false; one-shot=true: without the earlier reading that fills precpu).
 * The stream ends when the client leaves or the container is removed.
 */
import type { ContainerResourceService } from '../../engine/containers/container-resources.js';
import type { ContainerService } from '../../engine/containers/container-service.js';
import { invalid } from '../../errors/index.js';
import { commonHeaders } from '../http.js';
import { renderStats } from '../render/stats.js';
import type { Router } from '../router.js';

const flag = (value: string | null, absent: boolean): boolean => (value === null ? absent : value === '1' || value.toLowerCase() === 'true');

export function statsRoutes(router: Router, deps: { containers: ContainerService; resources: ContainerResourceService }): void {
  router.add('GET', '/containers/{id}/stats', async ({ response, params, query }) => {
    const container = deps.containers.get(params['id'] ?? '');
    const stream = flag(query.get('stream'), true);
    const oneShot = flag(query.get('one-shot'), false);
    if (stream && oneShot) throw invalid('stats-one-shot', 'cannot have stream=true and one-shot=true');
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/json' });
    if (stream) response.flushHeaders();
    await deps.resources.stats(container.id, { stream, oneShot, signal: gone.signal }, (frame) => {
      if (!response.destroyed) response.write(`${JSON.stringify(renderStats(frame))}\n`);
    });
    response.end();
  });
}
