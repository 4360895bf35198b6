import type { NetworkDriver } from '../driver.js';

/** The null driver (network "none"): a namespace with only loopback; nothing to create. */
export class NullDriver implements NetworkDriver {
  readonly name = 'null';
  readonly capabilities = { scope: 'local', multipleInstances: false, usesIpam: false } as const;
  validate(): void {}
  async createNetwork(): Promise<void> {}
  async deleteNetwork(): Promise<void> {}
  async restore(): Promise<void> {}
  ownedInterfaces(): string[] {
    return [];
  }
}
