import { PassiveDriver } from '../common/passive-driver.js';

/** The null driver (network "none"): a namespace with only loopback; nothing to create. */
export class NullDriver extends PassiveDriver {
  constructor() {
    super('null');
  }
}
