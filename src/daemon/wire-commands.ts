/**
 * `docker top`, `docker container prune` and `docker system df` over the wired engine: runc's
 * pids and the host's ps for top, the writable layer (`<container dir>/upper`) and volume
 * mountpoints measured for prune and df.
 */
import { join } from 'node:path';
import type { ContainerCommands } from '../api/routes/container-commands.js';
import { containerTop } from '../engine/containers/container-top.js';
import { pruneContainers } from '../engine/containers/container-prune.js';
import { systemDiskUsage } from '../engine/system/disk-usage.js';
import { hostPs } from '../kernel/linux/ps.js';
import { diskUsage } from '../runtime/images/disk-usage.js';
import type { Logger } from '../util/logger.js';
import type { Engine } from './wire-engine.js';

export function containerCommands(engine: Engine, logger: Logger): Pick<ContainerCommands, 'top' | 'prune' | 'diskUsage'> {
  const sizeRw = (id: string): Promise<number> => diskUsage(join(engine.containers.directoryOf(id), 'upper'));
  return {
    top: (reference, psArgs) => containerTop({ containers: engine.containers, pids: (id) => engine.runtime.runc.pids(id), ps: hostPs }, reference, psArgs),
    prune: (rawFilters) => pruneContainers({ containers: engine.containers, sizeRw, bus: engine.events, logger }, rawFilters),
    diskUsage: (kinds) => systemDiskUsage({ images: engine.images, containers: engine.containers, volumes: engine.volumes, sizeOf: diskUsage, sizeRw }, kinds),
  };
}
