import type { DriverCapabilities, NetworkDriver } from '../driver.js';

/**
 * A driver with nothing in the kernel to create or remove: `host` (containers share the host's
 * namespace) and `null` (network "none": a namespace with only loopback). One instance each.
 */
export class PassiveDriver implements NetworkDriver {
  readonly capabilities: DriverCapabilities = { scope: 'local', multipleInstances: false, usesIpam: false };

  constructor(readonly name: string) {}

  validate(): void {}
  async createNetwork(): Promise<void> {}
  async deleteNetwork(): Promise<void> {}
  async restore(): Promise<void> {}
  ownedInterfaces(): string[] {
    return [];
  }
}
