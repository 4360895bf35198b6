/**
 * The image config as Docker stores it (the part `docker image inspect` shows as Config), plus the
 * whole config document whose sha256 is the image id.
 */
export interface ContainerConfig {
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Env: string[] | null;
  WorkingDir: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels: Record<string, string> | null;
  User: string;
}

export interface ImageConfigDocument {
  architecture: string;
  os: string;
  created: string;
  comment?: string;
  config: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: Array<{ created: string; created_by?: string; comment?: string }>;
}

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function emptyContainerConfig(): ContainerConfig {
  return { Cmd: null, Entrypoint: null, Env: null, WorkingDir: '', Labels: null, User: '' };
}
