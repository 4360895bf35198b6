/**
 * The contract between the container engine and port publishing: what a container asks to
 * publish, and what publishing answers. It lives beside its implementation (publisher.ts) so the
 * publisher never imports the engine; the engine imports it from here.
 */

export interface PublishTarget {
  containerId: string;
  containerName: string;
  /** "80/tcp" -> requested bindings (HostPort "" = any free port). */
  portBindings: Record<string, Array<{ hostIp: string; hostPort: string }>>;
  /** EXPOSEd ports ("80/tcp"), published to free ports when publishAll (-P). */
  exposedPorts: string[];
  publishAll: boolean;
  network: { id: string; bridge: string; internal: boolean };
  containerAddress: string;
  /** Set when the network has IPv6: '0.0.0.0' and '::' bindings then also reach it over IPv6. */
  containerAddress6?: string;
  endpointId: string;
}

export interface PortPublisher {
  /** Checks a container's port requests at create time (400 for a bad spec). */
  validate(portBindings: Record<string, Array<{ hostIp: string; hostPort: string }>>, exposedPorts: string[]): void;
  /** Publishes in one transaction; returns "80/tcp" -> bindings with the host ports chosen. */
  publish(target: PublishTarget): Promise<Record<string, Array<{ hostIp: string; hostPort: string }>>>;
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
  ports: Record<string, Array<{ hostIp: string; hostPort: string }>>;
}
