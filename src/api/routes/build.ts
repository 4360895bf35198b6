/**
 * `docker build` and the build cache (`docker system prune` calls /build/prune): conet has no
 * image builder, so both answer 501 with a message the CLI prints, rather than "page not found".
 */
import { notImplemented } from '../../errors/index.js';
import type { Router } from '../router.js';

export const BUILD_MESSAGE = 'conet does not build images (docker build): build with Docker or another builder, then `docker load` the image';
export const BUILD_PRUNE_MESSAGE = 'conet has no build cache to prune (docker builder prune): it does not build images';

export function buildRoutes(router: Router): void {
  router.add('POST', '/build', () => {
    throw notImplemented('build', BUILD_MESSAGE);
  });
  router.add('POST', '/build/prune', () => {
    throw notImplemented('build-prune', BUILD_PRUNE_MESSAGE);
  });
}
