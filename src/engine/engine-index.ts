/**
 * What the engine's services need to know of each other's state, without holding each other.
 * Each service fills its own part (NetworkService this node's networks, EndpointService this
 * node's endpoints, ContainerService the containers) and the others only read it: images ask
 * which container uses an image, DNS and the attacher look containers up, `network inspect`
 * counts endpoints. Made first, it lets the composition root build every service in one pass,
 * with no service waiting for a reference to another that is built later.
 */
import type { Container } from '../model/container.js';
import type { Endpoint, Network } from '../model/network.js';

/** This node's networks by id (the cluster's global ones stay in ClusterState). */
export class NetworkIndex extends Map<string, Network> {}

/** This node's endpoints by id. */
export class EndpointIndex extends Map<string, Endpoint> {
  ofNetwork(networkId: string): Endpoint[] {
    return [...this.values()].filter((endpoint) => endpoint.networkId === networkId);
  }

  ofContainer(containerId: string): Endpoint[] {
    return [...this.values()].filter((endpoint) => endpoint.containerId === containerId);
  }
}

/** Containers by id. */
export class ContainerIndex extends Map<string, Container> {
  all(): Container[] {
    return [...this.values()];
  }

  /** Docker's lookup: full id, exact name, unique id prefix. */
  find(reference: string): Container | undefined {
    const name = reference.startsWith('/') ? reference.slice(1) : reference;
    const byId = this.get(reference);
    if (byId) return byId;
    const byName = this.all().find((container) => container.name === name);
    if (byName) return byName;
    if (!/^[0-9a-f]+$/.test(reference)) return undefined;
    const matches = this.all().filter((container) => container.id.startsWith(reference));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** A container made from the image (what keeps `docker rmi` from removing it). */
  usingImage(imageId: string): string | undefined {
    return this.all().find((container) => container.imageId === imageId)?.id;
  }
}

export class EngineIndex {
  readonly networks = new NetworkIndex();
  readonly endpoints = new EndpointIndex();
  readonly containers = new ContainerIndex();
}
