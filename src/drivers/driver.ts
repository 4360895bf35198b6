/**
 * What every network driver provides. The engine owns validation of names, IPAM and state; a
 * driver turns a fully decided Network into kernel objects and back.
 */
import type { Endpoint, IpamPoolConfig, Network, Scope } from '../model/network.js';

export interface DriverCapabilities {
  scope: Scope;
  /** false for host and null: exactly one predefined instance. */
  multipleInstances: boolean;
  /** Whether networks of this driver get subnets from IPAM. */
  usesIpam: boolean;
}

export interface NetworkDriver {
  readonly name: string;
  readonly capabilities: DriverCapabilities;
  /**
   * Checks and normalises the driver options (`-o`) of a network about to be created, against the
   * networks that exist already. Throws EngineError 'invalid'/'forbidden'; changes nothing in the
   * kernel or the store. The typed options decoded here are what the driver's later calls for this
   * network reuse (drivers/common/decoded-options.ts): they are not decoded again.
   */
  validate(network: Network, existing: readonly Network[]): void;
  /** Creates the kernel objects of a network; on failure it leaves nothing behind. */
  createNetwork(network: Network): Promise<void>;
  /** Removes them; objects already gone are fine. */
  deleteNetwork(network: Network): Promise<void>;
  /**
   * Start-up reconcile: make the kernel match exactly these networks of this driver (recreate
   * what's missing, remove strays it owns).
   */
  restore(networks: readonly Network[]): Promise<void>;
  /** Plugs an endpoint's interface into its sandbox; on failure leaves nothing behind. */
  join?(network: Network, endpoint: Endpoint, options: { createSandbox: boolean }): Promise<void>;
  /** Unplugs it; an interface that is already gone is fine. */
  leave?(network: Network, endpoint: Endpoint): Promise<void>;
  /**
   * The endpoint is gone (unplugged, or its sandbox is about to be deleted): forget the kernel's
   * tracked flows of its addresses, so none carries on to the address's next owner. Never throws.
   */
  forgetEndpoint?(network: Network, endpoint: Endpoint): Promise<void>;
  /** Names of host interfaces this driver owns, so IPAM doesn't mistake their routes for the host's. */
  ownedInterfaces(networks: readonly Network[]): string[];
  /**
   * Global drivers: cluster keys the network claims besides its name and subnets (e.g. its VNI),
   * created with it and released with it.
   */
  clusterClaims?(network: Network): string[];
  /**
   * Global drivers: the pools this node hands addresses out from (routed overlay: this node's
   * slice, claimed on first use); absent means the network's own configs.
   */
  localIpamConfigs?(network: Network): Promise<IpamPoolConfig[]>;
}

export class DriverRegistry {
  private readonly drivers = new Map<string, NetworkDriver>();

  register(driver: NetworkDriver): void {
    this.drivers.set(driver.name, driver);
  }

  get(name: string): NetworkDriver | undefined {
    return this.drivers.get(name);
  }

  names(): string[] {
    return [...this.drivers.keys()].sort();
  }

  all(): NetworkDriver[] {
    return [...this.drivers.values()];
  }
}
