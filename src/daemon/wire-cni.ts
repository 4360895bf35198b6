/**
 * The CNI front door inside the daemon: the attachment service over the engine's networks,
 * endpoints and port publisher, and the `POST /conet/v1/cni` route bin/conet-cni forwards a
 * runtime's call to (CNI_* variables in the query, the configuration as the body; the answer is
 * what the plugin prints, 200 for exit 0 and 400 for an error result).
 */
import type { Router } from '../api/router.js';
import { readBody } from '../api/http.js';
import { engineBackend } from '../cni/engine-backend.js';
import { runCni, type CniBackend } from '../cni/plugin.js';
import { AttachmentService } from '../engine/attachments/attachment-service.js';
import { FAMILY } from '../firewall/names.js';
import type { FirewallService } from '../firewall/firewall-service.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { Engine } from './wire-engine.js';
import type { LinuxAdapters } from './wire-kernel.js';

export const CNI_ROUTE = '/conet/v1/cni';
const CNI_VARIABLES = ['CNI_COMMAND', 'CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS', 'CNI_PATH'];

export interface CniWiring {
  attachments: AttachmentService;
  backend: CniBackend;
}

/** Made and loaded before the engine starts: restored ports are in the firewall's first rebuild. */
export async function wireCni(deps: { engine: Engine; store: Store; linux: LinuxAdapters; firewall: FirewallService; logger: Logger }): Promise<CniWiring> {
  const { engine, linux } = deps;
  const attachments = new AttachmentService({
    store: deps.store,
    networks: engine.networks,
    endpoints: engine.endpoints,
    ports: engine.publisher,
    interfaceOf: engine.interfaceOf,
    logger: deps.logger,
  });
  await attachments.load();
  const backend = engineBackend({
    attachments,
    links: linux.kernel.links,
    netnsPath: (name) => linux.kernel.sandboxes.path(name),
    portsOf: (owner) => (deps.firewall.snapshot().ports.find(([key]) => key === owner)?.[1] ?? []).map((port) => `${port.hostPort}/${port.protocol}`),
    firewallReady: () => linux.kernel.firewall.tableExists(FAMILY, deps.firewall.table),
  });
  return { attachments, backend };
}

export function cniRoutes(router: Router, backend: CniBackend): void {
  router.add('POST', CNI_ROUTE, async ({ request, response, query }) => {
    const env: Record<string, string> = {};
    for (const name of CNI_VARIABLES) {
      const value = query.get(name);
      if (value !== null) env[name] = value;
    }
    const outcome = await runCni(env, await readBody(request), backend);
    response.writeHead(outcome.exitCode === 0 ? 200 : 400, { 'Content-Type': 'application/json' });
    response.end(outcome.stdout);
  });
}
