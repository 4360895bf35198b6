/**
 * The live topology view (issue 17 item 2; docs/ui.md): started by the daemon when `--ui ADDR`
 * is set, it reads the engine only through the daemon's Docker API socket and serves a page, its
 * bundle and a small read-only JSON/SSE API on ADDR, behind a token.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../util/logger.js';
import { allowedHosts, newToken } from './access.js';
import { dockerApi } from './docker-api.js';
import { LiveTopology } from './live.js';
import { createUiServer } from './server.js';
import { loadStaticFiles } from './static-files.js';
import type { UiListen } from './ui-options.js';

export { parseUiAddress, type UiListen } from './ui-options.js';

export interface UiHandle {
  url: string;
  close(): Promise<void>;
}

export async function startUi(listen: UiListen, deps: { dockerSocket: string; logger: Logger; token?: string }): Promise<UiHandle> {
  const files = await loadStaticFiles();
  const api = dockerApi(deps.dockerSocket);
  const live = new LiveTopology(api, deps.logger);
  const token = deps.token ?? newToken();
  const hosts = new Set<string>();
  const server = createUiServer({ api, live, files, token, hosts, logger: deps.logger });
  server.listen(listen.port, listen.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  for (const host of allowedHosts(listen.host, port)) hosts.add(host);
  live.start();
  const shown = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const url = `http://${shown}:${port}/?token=${token}`;
  return {
    url,
    async close() {
      live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
