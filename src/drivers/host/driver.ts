import { PassiveDriver } from '../common/passive-driver.js';

/** The host driver: containers share the host's network namespace; nothing to create. */
export class HostDriver extends PassiveDriver {
  constructor() {
    super('host');
  }
}
