/**
 * What creating a network asks for, typed: each front door (the Docker API's decoder in
 * api/decode/) fills it from its own wire shape, so the engine never sees one.
 */
import type { IpamRequest } from '../../model/network.js';

export interface CreateNetworkRequest {
  name: string;
  /** Driver name; the API defaults it to "bridge". */
  driver: string;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  /** false: an IPv6-only network (`--ipv4=false`, API 1.48); absent means true. */
  enableIPv4?: boolean;
  enableIPv6: boolean;
  configOnly: boolean;
  /** Name of a config-only network to take the configuration from; "" when none. */
  configFrom: string;
  scope: string;
  ipam: IpamRequest;
  /** Driver options (`-o`): user key/value data, stored as given and decoded by the driver. */
  options: Record<string, string>;
  labels: Record<string, string>;
}
