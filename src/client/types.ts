/** What the client hands the CLI: plain, decoded types (camelCase), no wire shapes. */
export interface PortSummary {
  ip: string;
  privatePort: number;
  publicPort?: number;
  protocol: string;
}

export interface ContainerSummary {
  id: string;
  names: string[];
  image: string;
  command: string;
  /** Unix seconds. */
  created: number;
  state: string;
  status: string;
  ports: PortSummary[];
  /** Network name → address (IPv4, empty when none). */
  networks: Record<string, string>;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  created: string;
  internal: boolean;
  enableIPv6: boolean;
  subnets: string[];
}
