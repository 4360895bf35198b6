/**
 * The actors Docker puts in its events: a container's labels, image and name; a network's name
 * and driver (and, for connect and disconnect, the container).
 */
import type { Container } from '../../model/container.js';
import type { Network } from '../../model/network.js';
import type { EventActor } from './event-bus.js';

/** Docker's container attributes: the labels, then image and name (which win over a label of that name). */
export function containerActor(container: Container, extra: Record<string, string> = {}): EventActor {
  return {
    id: container.id,
    attributes: { ...container.config.labels, image: container.config.image, name: container.name, ...extra },
  };
}

export function networkActor(network: Pick<Network, 'id' | 'name' | 'driver'>, extra: Record<string, string> = {}): EventActor {
  return { id: network.id, attributes: { name: network.name, type: network.driver, ...extra } };
}
