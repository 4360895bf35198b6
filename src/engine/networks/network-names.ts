import { invalid } from '../../errors/index.js';

/** Docker's rule for object names (container names; applied to networks too). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function validateNetworkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw invalid('network-name', 'network name must not be empty');
  if (name.length > 128 || !NAME.test(name)) {
    throw invalid('network-name', `invalid network name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name;
}
