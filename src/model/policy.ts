/**
 * Plain domain types for network policy (issue 13). Imports nothing.
 *
 * The semantics are Kubernetes `networking.k8s.io/v1` NetworkPolicy's, with containers in the
 * place of pods: a policy selects containers by label (and, a conet extension, by network); a
 * selected container gets default deny in each direction the policy names, and the rules list
 * what is allowed. Policies are additive: traffic is allowed when any policy selecting the
 * container allows it. Unselected containers keep Docker's behaviour.
 */

export type PolicyDirection = 'ingress' | 'egress';
export type PolicyProtocol = 'tcp' | 'udp' | 'sctp';

/** One `matchExpressions` entry, Kubernetes' LabelSelectorRequirement. */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Non-empty for In/NotIn, empty for Exists/DoesNotExist. */
  values: string[];
}

/** Kubernetes' LabelSelector; an empty selector matches every container. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelRequirement[];
}

/** Which containers a policy applies to, or which containers a peer names. */
export interface ContainerSelector {
  labels: LabelSelector;
  /** Names of networks the container must be attached to (any of them); empty: any network. */
  networks: string[];
  /** Set for the policy a container's own `conet.*` labels make: only that container (its id). */
  container?: string;
}

/** A port or a range; no `port` means every port of the protocol. */
export interface PolicyPort {
  protocol: PolicyProtocol;
  port?: number;
  /** Inclusive end of a range (Kubernetes' endPort); only with `port`, and >= it. */
  endPort?: number;
}

/** An address block, canonical CIDR text ("10.0.0.0/8"), minus the `except` blocks inside it. */
export interface IpBlockPeer {
  kind: 'ipBlock';
  cidr: string;
  except: string[];
}

/** Containers matching a selector (labels and/or networks). */
export interface ContainersPeer {
  kind: 'containers';
  selector: ContainerSelector;
}

/**
 * A DNS name (egress only), Cilium's toFQDNs: `name` is an exact, lower-case name without the
 * final dot ("api.example.com"), or a pattern "*.example.com" matching one or more labels below
 * the domain (not the domain itself).
 */
export interface FqdnPeer {
  kind: 'fqdn';
  pattern: string;
}

export type PolicyPeer = IpBlockPeer | ContainersPeer | FqdnPeer;

/**
 * One ingress or egress rule: traffic from (ingress) or to (egress) any of `peers`, on any of
 * `ports`. Empty `peers`: every peer; empty `ports`: every port and protocol (Kubernetes).
 */
export interface PolicyRule {
  peers: PolicyPeer[];
  ports: PolicyPort[];
}

/** What a policy says, as decoded from a NetworkPolicy document or from container labels. */
export interface PolicySpec {
  /** metadata.name: lower-case DNS label-ish name, unique among policies. */
  name: string;
  selector: ContainerSelector;
  /** The directions the selected containers get default deny in. */
  policyTypes: PolicyDirection[];
  ingress: PolicyRule[];
  egress: PolicyRule[];
  /** `conet.egress-dns=nxdomain`: names outside the FQDN list answer NXDOMAIN. */
  dnsNxdomain: boolean;
}

/** A stored policy. */
export interface NetworkPolicy extends PolicySpec {
  /** 64 hex digits, as network ids. */
  id: string;
  /** RFC 3339 timestamp. */
  created: string;
  updated: string;
  /** 'api' for policies created through /conet/v1/policies, 'labels' for a container's labels. */
  source: 'api' | 'labels';
}

/**
 * The seam between the embedded resolver (dns/) and policy/ for FQDN rules: for a client
 * address, the FQDN rules of every policy selecting that container for egress. `set4`/`set6` are
 * the names of the policy's nft sets in table `inet conet` (`fqdn4_<id>`, `fqdn6_<id>`, flags
 * timeout) the resolver adds allowed answers to. Defined here so neither dns/ nor policy/ imports
 * the other; the daemon wires policy's implementation into the resolver.
 */
export interface FqdnRuleSet {
  policyId: string;
  /** Exact names and "*.domain" patterns, lower-case, no final dot. */
  patterns: string[];
  set4: string;
  set6: string;
  /** Names outside `patterns` answer NXDOMAIN (the container's `conet.egress-dns=nxdomain`). */
  nxdomain: boolean;
}

export interface FqdnRuleSource {
  fqdnRulesFor(clientAddress: string): FqdnRuleSet[];
}

/** What policy evaluation knows of a container: its labels, networks and addresses. */
export interface PolicyTarget {
  containerId: string;
  labels: Record<string, string>;
  /** Names and ids of the networks it is attached to. */
  networks: string[];
  /** Its addresses without prefix length, IPv4 and IPv6. */
  addresses: string[];
}
