/** `docker network connect|disconnect`: the body decoded here, the rules in ContainerNetworking. */
import { invalid } from '../../errors/index.js';
import type { ContainerNetworking } from '../../engine/containers/container-networks.js';
import { decodeEndpointSettings } from '../decode/endpoint-settings.js';
import { readJson, sendEmpty } from '../http.js';
import type { Router } from '../router.js';

type Json = Record<string, unknown>;

function containerOf(body: Json): string {
  const container = body['Container'];
  if (typeof container !== 'string' || container === '') throw invalid('request', 'Container must be a container name or id');
  return container;
}

export function networkConnectRoutes(router: Router, networking: ContainerNetworking): void {
  router.add('POST', '/networks/{id}/connect', async ({ request, response, params }) => {
    const body = ((await readJson(request)) ?? {}) as Json;
    const container = containerOf(body);
    // MacAddress (1.44), GwPriority (1.48) and the ifname driver option are applied (Docker 28
    // itself ignores a MAC address on connect until API 1.54).
    const endpoint = decodeEndpointSettings(body['EndpointConfig'], 'EndpointConfig');
    await networking.connect(params['id'] ?? '', container, {
      ...(endpoint.ipv4Address ? { ipv4Address: endpoint.ipv4Address } : {}),
      ...(endpoint.ipv6Address ? { ipv6Address: endpoint.ipv6Address } : {}),
      ...(endpoint.macAddress ? { macAddress: endpoint.macAddress } : {}),
      ...(endpoint.gwPriority ? { gwPriority: endpoint.gwPriority } : {}),
      ...(endpoint.driverOpts ? { driverOpts: endpoint.driverOpts } : {}),
      ...(endpoint.links ? { links: endpoint.links } : {}),
      aliases: endpoint.aliases,
    });
    sendEmpty(response, 200);
  });

  router.add('POST', '/networks/{id}/disconnect', async ({ request, response, params }) => {
    const body = ((await readJson(request)) ?? {}) as Json;
    await networking.disconnect(params['id'] ?? '', containerOf(body));
    sendEmpty(response, 200);
  });
}
