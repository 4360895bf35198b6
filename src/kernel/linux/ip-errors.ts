import { ExecError } from '../../exec/index.js';

/** Known iproute2 stderr, classified once here so no caller greps stderr. */
export function isNoSuchDevice(error: unknown): boolean {
  return error instanceof ExecError && /Cannot find device|does not exist|No such device/i.test(error.stderr);
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof ExecError && /File exists/i.test(error.stderr);
}
