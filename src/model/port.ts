/** Transport protocols a port can be published for, as Docker spells them. */
export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/** An inclusive range of ports; a single port is { start: p, end: p }. */
export interface PortRange {
  start: number;
  end: number;
}

/** A port inside the container ("80/tcp"). */
export interface ContainerPort {
  port: number;
  protocol: PortProtocol;
}

/** One requested host binding of a container port (`-p [hostIp:][hostPort]:containerPort[/proto]`). */
export interface PortBinding {
  containerPort: number;
  protocol: PortProtocol;
  /** Canonical (IPv6 in RFC 5952, no brackets); '' when the client named none: every address. */
  hostIp: string;
  /** null: any free port of the ephemeral range; otherwise the first free one of this range. */
  hostPort: PortRange | null;
}

/** A binding in effect: the host port is decided. */
export interface PublishedPort {
  containerPort: number;
  protocol: PortProtocol;
  hostIp: string;
  hostPort: number;
}
