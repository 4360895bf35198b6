/**
 * Volume names as Docker's local driver allows them: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, so no '/' and
 * no leading '.', and a name is never a path. Capped at 255 bytes (one file name).
 */
import { invalid } from '../../errors/index.js';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function isVolumeName(name: string): boolean {
  return name.length <= 255 && NAME.test(name);
}

export function checkVolumeName(name: string): string {
  if (!isVolumeName(name)) {
    throw invalid('volume-name', `create ${name}: ${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  return name;
}
