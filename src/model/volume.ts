/** Plain domain types for volumes (the `local` driver's). Imports nothing. */

/**
 * Where a `local` volume's data lives, decoded from its driver options (`type`, `device`, `o`):
 * its own directory under the data root, a host directory bound at its mountpoint
 * (`type=none,o=bind,device=/path`), or a tmpfs mounted there (`type=tmpfs,o=size=..`).
 */
export type VolumeBacking =
  | { kind: 'directory' }
  | { kind: 'bind'; device: string }
  | { kind: 'tmpfs'; size?: number; mode?: number };

export interface Volume {
  /** Docker's volume name grammar: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (checked by the one parser). */
  name: string;
  driver: 'local';
  /** RFC 3339, seconds precision, as Docker shows CreatedAt. */
  createdAt: string;
  labels: Record<string, string>;
  /** The driver options as given (inspect shows them); `backing` is what they mean. */
  options: Record<string, string>;
  backing: VolumeBacking;
  /** Made for a container (`-v /path`, an image's VOLUME): carries com.docker.volume.anonymous. */
  anonymous: boolean;
}

/** The label Docker puts on anonymous volumes (prune at API 1.42+ removes only those unless all=true). */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** One `--volumes-from CONTAINER[:ro|:rw]` (HostConfig.VolumesFrom), decoded; mode '' keeps each mount's own. */
export interface VolumesFrom {
  container: string;
  mode: '' | 'ro' | 'rw';
}
