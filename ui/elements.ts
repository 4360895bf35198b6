/**
 * Snapshot -> graph elements: one node per network (label: name, driver, subnet, device), per
 * container (name, state, addresses) and per published port; an edge per endpoint (container to
 * network, labelled with the address) and per port (port to container). Pure.
 */
import type { ElementDefinition } from 'cytoscape';
import type { Topology } from '../src/ui/topology.js';

export function networkNodeId(id: string): string {
  return `n:${id}`;
}

export function containerNodeId(id: string): string {
  return `c:${id}`;
}

export function topologyElements(topology: Topology): ElementDefinition[] {
  const elements: ElementDefinition[] = [];
  for (const network of topology.networks) {
    const details = [[network.driver, ...network.subnets].join(' · '), network.devices.join(' · ')].filter(Boolean).join('\n');
    elements.push({ group: 'nodes', data: { id: networkNodeId(network.id), kind: 'network', name: network.name, label: `${network.name}\n${details}`, internal: network.internal ? 1 : 0 } });
  }
  for (const container of topology.containers) {
    const addresses = container.endpoints.map((endpoint) => (endpoint.ipv4 || endpoint.ipv6).replace(/\/\d+$/, '')).filter(Boolean);
    elements.push({ group: 'nodes', data: { id: containerNodeId(container.id), kind: 'container', name: container.name, containerId: container.id, state: container.state, label: `${container.name}\n${addresses.join(', ') || container.state}` } });
    for (const port of container.ports) {
      const id = `p:${container.id}:${port.hostIp}:${port.hostPort}/${port.protocol}`;
      elements.push({ group: 'nodes', data: { id, kind: 'port', label: `${port.hostIp || '0.0.0.0'}:${port.hostPort} → ${port.containerPort}/${port.protocol}` } });
      elements.push({ group: 'edges', data: { id: `e:${id}`, kind: 'publish', source: id, target: containerNodeId(container.id) } });
    }
  }
  for (const edge of topology.edges) {
    const id = `e:${edge.container}:${edge.network}`;
    elements.push({ group: 'edges', data: { id, kind: 'endpoint', source: containerNodeId(edge.container), target: networkNodeId(edge.network), label: edge.address.replace(/\/\d+$/, '') } });
  }
  return elements;
}
