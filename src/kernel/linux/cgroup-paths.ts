/**
 * Where a process's cgroups are, from /proc/PID/cgroup: on cgroup v1 (and hybrid hosts, whose
 * controllers are v1) one directory per controller, `<root>/<controllers>/<path>` ("cpu,cpuacct"
 * is the name of a joint mount; lone ones are mounted by their own name); on a pure v2 host one
 * directory, `<root>/<path>`. Pure, so fixtures show both layouts.
 */
export type CgroupLocation =
  | { version: 1; dirs: Partial<Record<'memory' | 'cpu' | 'cpuacct' | 'pids' | 'blkio', string>> }
  | { version: 2; dir: string };

interface Entry {
  controllers: string[];
  path: string;
}

export function parseProcCgroup(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (match) entries.push({ controllers: match[1] ? match[1].split(',') : [], path: match[2] ?? '/' });
  }
  return entries;
}

const V1_CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'pids', 'blkio'] as const;

/** `unifiedRoot`: where the v2 hierarchy is mounted (the root on a pure v2 host, `<root>/unified` on a hybrid one). */
export function cgroupLocation(procCgroup: string, options: { root: string; unifiedRoot: string }): CgroupLocation {
  const entries = parseProcCgroup(procCgroup);
  const dirs: Extract<CgroupLocation, { version: 1 }>['dirs'] = {};
  for (const entry of entries) {
    for (const controller of V1_CONTROLLERS) {
      if (entry.controllers.includes(controller)) dirs[controller] = `${options.root}/${entry.controllers.join(',')}${trimmed(entry.path)}`;
    }
  }
  if (dirs.memory !== undefined) return { version: 1, dirs };
  const unified = entries.find((entry) => entry.controllers.length === 0);
  return { version: 2, dir: `${options.unifiedRoot}${trimmed(unified?.path ?? '/')}` };
}

/** "/" is the root itself; a path never carries a trailing slash (or a "..": the kernel writes these lines). */
function trimmed(path: string): string {
  const clean = path.split('/').filter((part) => part !== '' && part !== '.' && part !== '..').join('/');
  return clean === '' ? '' : `/${clean}`;
}
