/**
 * What a container's process runs with besides its command and confinement (security.ts): its
 * supplementary groups, read-only root, namespaced sysctls, resource limits (rlimits), the size
 * of /dev/shm, the init process in front of it and its OOM score adjustment. Decoded at the API edge; plain types.
 */

/** One `--ulimit name=soft:hard`: `name` is Docker's ("nofile"), limits as given. */
export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

export interface ContainerIsolation {
  /** `--group-add`: group names or numbers, resolved in the container's /etc/group at start. */
  groupAdd: string[];
  /** `--read-only`: the root filesystem is mounted read-only. */
  readonlyRootfs: boolean;
  /** `--sysctl`: namespaced keys only (checked at the edge), dotted as given. */
  sysctls: Record<string, string>;
  ulimits: Ulimit[];
  /** `--shm-size` in bytes; 0 is Docker's default, 64 MiB. */
  shmSize: number;
  /** `--init`: tini runs as PID 1 (Docker's docker-init). */
  init: boolean;
  /** `--oom-score-adj` (-1000..1000) of the container's processes; absent is 0, as Docker. */
  oomScoreAdj?: number;
}

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export const DEFAULT_ISOLATION: ContainerIsolation = { groupAdd: [], readonlyRootfs: false, sysctls: {}, ulimits: [], shmSize: 0, init: false };
