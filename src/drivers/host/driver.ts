import type { NetworkDriver } from '../driver.js';

/** The host driver: containers share the host's network namespace; nothing to create. */
export class HostDriver implements NetworkDriver {
  readonly name = 'host';
  readonly capabilities = { scope: 'local', multipleInstances: false, usesIpam: false } as const;
  validate(): void {}
  async createNetwork(): Promise<void> {}
  async deleteNetwork(): Promise<void> {}
  async restore(): Promise<void> {}
  ownedInterfaces(): string[] {
    return [];
  }
}
