/**
 * Attachments made for CNI runtimes (Podman, containerd, Kubernetes-style): a namespace the
 * runtime owns, plugged into a conet network as an endpoint. The types here are the engine's
 * side of the CNI front door (src/cni/ decodes the runtime's JSON and environment into them), so
 * the engine never sees CNI's wire shapes. An attachment is keyed as CNI keys it: container id,
 * interface name and network name.
 */
import type { PortProtocol, PublishedPort } from '../../model/port.js';

export interface AttachmentKey {
  containerId: string;
  ifname: string;
  network: string;
}

/** The network a CNI configuration describes; created on first use, reused after. */
export interface AttachmentNetworkSpec {
  name: string;
  driver: 'bridge' | 'macvlan';
  /** Subnet, gateway and range of addresses handed out; absent: IPAM's default pools. */
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  /** No route out, no published ports (Docker's --internal). */
  internal: boolean;
  masquerade: boolean;
  /** Driver options as the daemon's create request takes them (bridge name, mtu, parent). */
  options: Record<string, string>;
}

export interface AttachmentPortRequest {
  hostPort: number;
  containerPort: number;
  protocol: PortProtocol;
  /** '' for every address. */
  hostIp: string;
}

export interface AttachRequest extends AttachmentKey {
  /** The runtime's namespace, by name under /run/netns. */
  netns: string;
  spec: AttachmentNetworkSpec;
  /** `ips` capability: the address to give (at most one per family). */
  ipv4Address?: string;
  ipv6Address?: string;
  /** `mac` capability. */
  macAddress?: string;
  ports: AttachmentPortRequest[];
}

/** What the store keeps of an attachment, and what ADD and CHECK answer with. */
export interface Attachment extends AttachmentKey {
  /** The id the attachment's endpoint and ports are owned by in the engine. */
  owner: string;
  netns: string;
  networkId: string;
  /** The network's host interface (its bridge) when the ports were published: restored with them. */
  bridge: string;
  hostIfname: string;
  macAddress: string;
  /** With prefix length; '' when none. */
  ipv4Address: string;
  ipv6Address: string;
  gateway4: string;
  gateway6: string;
  internal: boolean;
  ports: PublishedPort[];
}

/** One id per key: what the endpoint's container id and the ports' owner are. */
export function attachmentOwner(key: AttachmentKey): string {
  return `cni.${key.network}.${key.containerId}.${key.ifname}`;
}

/** Store id of an attachment record (the owner is unique per key). */
export function isAttachmentOwner(containerId: string): boolean {
  return containerId.startsWith('cni.');
}
