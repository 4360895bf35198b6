/**
 * The contract between the container engine and port publishing: what a container asks to
 * publish, and what publishing answers. It lives beside its implementation (publisher.ts) so the
 * publisher never imports the engine; the engine imports it from here. Everything is typed:
 * Docker's text forms are decoded at the API edge and rendered back there.
 */
import type { ContainerPort, PortBinding, PublishedPort } from '../model/port.js';

export interface PublishTarget {
  containerId: string;
  containerName: string;
  /** Requested bindings (hostPort null = any free port). */
  bindings: PortBinding[];
  /** EXPOSEd ports, published to free ports when publishAll (-P). */
  exposedPorts: ContainerPort[];
  publishAll: boolean;
  network: { id: string; bridge: string; internal: boolean };
  containerAddress: string;
  /** Set when the network has IPv6: '0.0.0.0' and '::' bindings then also reach it over IPv6. */
  containerAddress6?: string;
  endpointId: string;
}

export interface PortPublisher {
  /** Publishes in one transaction; returns the bindings in effect as inspect shows them. */
  publish(target: PublishTarget): Promise<PublishedPort[]>;
  /** Removes every port of the container; nothing published is fine. */
  unpublish(containerId: string): Promise<void>;
}

/** What a running container had published, for restoring after a daemon restart. */
export interface ContainerPublished {
  containerId: string;
  networkId: string;
  bridge: string;
  containerAddress: string;
  containerAddress6?: string;
  /** As publish() returned them (shown '::' twins included). */
  ports: PublishedPort[];
}
