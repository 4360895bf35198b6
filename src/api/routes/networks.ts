import { decodeNetworkCreate } from '../decode/network-create.js';
import type { EndpointSource, NetworkService } from '../../engine/networks/network-service.js';
import { readJson, sendEmpty, sendJson } from '../http.js';
import { renderNetwork } from '../render/network.js';
import type { Router } from '../router.js';

export function networkRoutes(router: Router, networks: NetworkService, endpoints: EndpointSource): void {
  router.add('GET', '/networks', ({ response, query, version }) => {
    sendJson(response, 200, networks.list(query.get('filters')).map((network) => renderNetwork(network, version)));
  });

  router.add('GET', '/networks/{id}', ({ response, params, query, version }) => {
    const scope = query.get('scope') ?? undefined;
    const network = networks.inspect(params['id'] ?? '', scope ? { scope } : {});
    sendJson(response, 200, renderNetwork(network, version, endpoints.endpointsOf(network.id)));
  });

  router.add('POST', '/networks/create', async ({ request, response }) => {
    const created = await networks.create(decodeNetworkCreate(await readJson(request)));
    sendJson(response, 201, { Id: created.id, Warning: created.warning });
  });

  router.add('DELETE', '/networks/{id}', async ({ response, params }) => {
    await networks.remove(params['id'] ?? '');
    sendEmpty(response, 204);
  });

  router.add('POST', '/networks/prune', async ({ response, query }) => {
    const removed = await networks.prune(query.get('filters'));
    sendJson(response, 200, { NetworksDeleted: removed });
  });
}
