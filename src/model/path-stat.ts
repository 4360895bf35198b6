/** What `docker cp` says of a path inside a container (HEAD /containers/{id}/archive). */
export interface PathStat {
  /** The last component of the path as asked ("/" for the root). */
  name: string;
  size: number;
  /** The Linux st_mode (type and permission bits); the API renders Go's os.FileMode from it. */
  mode: number;
  mtime: Date;
  /** For a symlink: where it leads, as a path inside the container; otherwise "". */
  linkTarget: string;
}
