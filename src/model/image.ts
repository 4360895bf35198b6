/**
 * Images as the engine and the API see them. The config is Docker's image config document (the
 * sha256 of its JSON is the image id), kept in that file format because that is what images carry.
 */

export interface ContainerConfig {
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Env: string[] | null;
  WorkingDir: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels: Record<string, string> | null;
  User: string;
  /** HEALTHCHECK, in the wire shape (Test, Interval, Timeout, StartPeriod, StartInterval, Retries; ns). */
  Healthcheck?: ImageHealthcheck;
  /** `VOLUME`: "/path" -> {} (an anonymous volume at each, unless the container mounts something there). */
  Volumes?: Record<string, Record<string, never>> | null;
}

export interface ImageHealthcheck {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
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

export interface ImageRecord {
  id: string;
  config: ImageConfigDocument;
  repoTags: string[];
  /** `repo@sha256:<manifest digest>` for each repository the image was pulled from (or pushed to). */
  repoDigests: string[];
  size: number;
  lastTagTime: string;
}

export interface ImportRequest {
  /** `nginx`, `nginx:1.9.1` or empty (untagged). */
  repo: string;
  tag: string;
  changes: readonly string[];
  message: string;
}

export type DeleteRecord = { Untagged: string } | { Deleted: string };
