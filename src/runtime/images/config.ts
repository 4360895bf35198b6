/**
 * The image config as Docker stores it (the part `docker image inspect` shows as Config), plus the
 * whole config document whose sha256 is the image id.
 */
import type { ContainerConfig, ImageConfigDocument } from '../../model/image.js';

export type { ContainerConfig, ImageConfigDocument };

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function emptyContainerConfig(): ContainerConfig {
  return { Cmd: null, Entrypoint: null, Env: null, WorkingDir: '', Labels: null, User: '' };
}
