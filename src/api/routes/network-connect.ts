import { invalid } from '../../errors/index.js';
import type { ContainerNetworking } from '../../engine/containers/container-networks.js';
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
    const endpoint = (body['EndpointConfig'] ?? {}) as Json;
    const ipam = (endpoint['IPAMConfig'] ?? {}) as Json;
    const aliases = endpoint['Aliases'];
    await networking.connect(params['id'] ?? '', containerOf(body), {
      ...(typeof ipam['IPv4Address'] === 'string' && ipam['IPv4Address'] ? { ipv4Address: ipam['IPv4Address'] } : {}),
      ...(typeof ipam['IPv6Address'] === 'string' && ipam['IPv6Address'] ? { ipv6Address: ipam['IPv6Address'] } : {}),
      ...(Array.isArray(aliases) ? { aliases: aliases.filter((alias): alias is string => typeof alias === 'string') } : {}),
    });
    sendEmpty(response, 200);
  });

  router.add('POST', '/networks/{id}/disconnect', async ({ request, response, params }) => {
    const body = ((await readJson(request)) ?? {}) as Json;
    await networking.disconnect(params['id'] ?? '', containerOf(body));
    sendEmpty(response, 200);
  });
}
