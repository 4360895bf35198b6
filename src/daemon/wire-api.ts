/**
 * The Docker API on its unix socket: every route over the wired engine, request logging, and the
 * connections hijacked by attach and exec, which the HTTP server no longer tracks and which
 * close() must end itself.
 */
import { availableParallelism } from 'node:os';
import type { Duplex } from 'node:stream';
import { Router } from '../api/router.js';
import { registerRoutes, type ApiServices } from '../api/routes/register.js';
import { createApiServer, listenUnix } from '../api/server.js';
import type { DriverRegistry } from '../drivers/driver.js';
import type { Logger } from '../util/logger.js';
import type { DaemonConfig } from './config.js';
import type { Engine } from './wire-engine.js';
import { withImageEvents } from '../engine/images/image-events.js';
import { containerCommands } from './wire-commands.js';
import type { LinuxAdapters } from './wire-kernel.js';
import type { HostConfinement } from '../model/security.js';
import type { CgroupFeatures } from '../model/resources.js';

export interface ApiHandle {
  close(): Promise<void>;
}

export function apiServices(engine: Engine, deps: { id: string; config: DaemonConfig; linux: LinuxAdapters; drivers: DriverRegistry; confinement: HostConfinement; cgroups: CgroupFeatures; logger: Logger }): ApiServices {
  return {
    system: {
      id: deps.id,
      dataRoot: deps.config.dataRoot,
      startedAt: new Date().toISOString(),
      networkDrivers: () => deps.drivers.names(),
      forwarding: () => deps.linux.forwarding(),
    },
    networks: engine.networks,
    networkEndpoints: engine.networkEndpoints,
    endpoints: engine.endpoints,
    images: withImageEvents(engine.images, engine.events),
    events: engine.events,
    commands: containerCommands(engine, deps.logger),
    containers: engine.containers,
    networking: engine.networking,
    streams: engine.streams,
    execs: engine.execs,
    archives: engine.archives,
    resources: engine.resources,
    resourceLimits: { cpus: availableParallelism(), features: deps.cgroups },
    sandboxPath: (name) => deps.linux.kernel.sandboxes.path(name),
    confinement: deps.confinement,
    volumes: engine.volumes,
  };
}

/** `extraRoutes`: conet's own routes beside Docker's (the CNI forwarder's). */
export async function serveApi(host: string, services: ApiServices, logger: Logger, extraRoutes?: (router: Router) => void): Promise<ApiHandle> {
  const router = new Router();
  extraRoutes?.(router);
  registerRoutes(router, services);
  const server = createApiServer(router, {
    request: (entry) => logger.debug('api', entry),
    error: (message, fields) => logger.error(message, fields),
  });
  const hijacked = new Set<Duplex>();
  server.on('upgrade', (_request: unknown, socket: Duplex) => {
    hijacked.add(socket);
    socket.once('close', () => hijacked.delete(socket));
  });
  await listenUnix(server, host.slice('unix://'.length));
  return {
    async close() {
      for (const socket of hijacked) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
