/**
 * `docker build` and the build cache (`docker system prune` calls /build/prune): conet has no
 * image builder, so both answer 501 with a message the CLI prints, rather than "page not found".
 */
import { notImplemented } from '../../errors/index.js';
import { drainBody } from '../drain.js';
import type { Router } from '../router.js';

/** The CLI writes the whole context before it reads the answer; up to this much is read and dropped. */
const MAX_DISCARDED_CONTEXT = 256 * 1024 * 1024;

export const BUILD_MESSAGE = 'conet does not build images (docker build): build with Docker or another builder, then `docker load` the image';
export const BUILD_PRUNE_MESSAGE = 'conet has no build cache to prune (docker builder prune): it does not build images';

export function buildRoutes(router: Router): void {
  router.add('POST', '/build', async ({ request }) => {
    await drainBody(request, MAX_DISCARDED_CONTEXT);
    throw notImplemented('build', BUILD_MESSAGE);
  });
  router.add('POST', '/build/prune', () => {
    throw notImplemented('build-prune', BUILD_PRUNE_MESSAGE);
  });
}
