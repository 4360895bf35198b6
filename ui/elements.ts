/**
 * Snapshot -> graph elements: one node per network (label: name, driver, subnet, device), per
 * container (name, state, addresses) and per published port; an edge per endpoint (container to
 * network, labelled with the address) and per port (port to container). Pure.
 */
import type { ElementDefinition } from 'cytoscape';
import type { Topology } from '../src/ui/topology.js';
import { layoutPositions, type Point } from './positions.js';

export function networkNodeId(id: string): string {
  return `n:${id}`;
}

export function containerNodeId(id: string): string {
  return `c:${id}`;
}

export function topologyElements(topology: Topology): ElementDefinition[] {
  const elements: ElementDefinition[] = [];
  const positions = layoutPositions(topology);
  const at = (id: string, dy = 0, dx = 0): { position: Point } => {
    const point = positions.get(id) ?? { x: 0, y: 0 };
    return { position: { x: point.x + dx, y: point.y + dy } };
  };
  for (const network of topology.networks) {
    const details = [[network.driver, ...network.subnets].join(' · '), network.devices.join(' · ')].filter(Boolean).join('\n');
    elements.push({ group: 'nodes', data: { id: networkNodeId(network.id), kind: 'network', name: network.name, label: `${network.name}\n${details}`, internal: network.internal ? 1 : 0 }, ...at(network.id) });
  }
  for (const container of topology.containers) {
    const addresses = container.endpoints.map((endpoint) => (endpoint.ipv4 || endpoint.ipv6).replace(/\/\d+$/, '')).filter(Boolean);
    elements.push({ group: 'nodes', data: { id: containerNodeId(container.id), kind: 'container', name: container.name, containerId: container.id, state: container.state, label: `${container.name}\n${addresses.join(', ') || container.state}` }, ...at(container.id) });
    for (const [index, port] of container.ports.entries()) {
      const id = `p:${container.id}:${port.hostIp}:${port.hostPort}/${port.protocol}`;
      elements.push({ group: 'nodes', data: { id, kind: 'port', label: `${port.hostIp || '0.0.0.0'}:${port.hostPort} → ${port.containerPort}/${port.protocol}` }, ...at(container.id, 40, 30 + index * 12) });
      elements.push({ group: 'edges', data: { id: `e:${id}`, kind: 'publish', label: '', source: id, target: containerNodeId(container.id) } });
    }
  }
  for (const edge of topology.edges) {
    const id = `e:${edge.container}:${edge.network}`;
    elements.push({ group: 'edges', data: { id, kind: 'endpoint', source: containerNodeId(edge.container), target: networkNodeId(edge.network), label: edge.address.replace(/\/\d+$/, '') } });
  }
  return elements;
}
