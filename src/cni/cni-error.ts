/**
 * The CNI spec's errors: a numeric code, a message and details, printed on stdout as
 * `{"cniVersion", "code", "msg", "details"}` with a non-zero exit. Codes 1-99 are the spec's
 * (only as it defines them); conet's own start at 100. Engine errors are mapped once, here.
 */
import { isEngineError } from '../errors/index.js';

export const CNI_CODES = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  unknownContainer: 3,
  invalidEnvironment: 4,
  ioFailure: 5,
  decodeFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
  pluginNotAvailable: 50,
  pluginNotAvailableLimited: 51,
  /** conet: the engine refused (an address or port in use, a conflict). */
  refused: 100,
  /** conet: the kernel or the store failed. */
  internal: 101,
} as const;

export class CniError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly details = '',
  ) {
    super(message);
    this.name = 'CniError';
  }
}

export const cniError = (code: number, message: string, details = ''): CniError => new CniError(code, message, details);

/** Any failure as a CNI error: engine kinds to the spec's codes where one fits. */
export function toCniError(error: unknown, context: 'config' | 'run' = 'run'): CniError {
  if (error instanceof CniError) return error;
  if (!isEngineError(error)) return new CniError(CNI_CODES.internal, error instanceof Error ? error.message : String(error));
  switch (error.kind) {
    case 'invalid':
      return new CniError(context === 'config' ? CNI_CODES.invalidConfig : CNI_CODES.refused, error.message, error.code);
    case 'not-found':
      return new CniError(CNI_CODES.unknownContainer, error.message, error.code);
    case 'unavailable':
      return new CniError(CNI_CODES.tryAgainLater, error.message, error.code);
    case 'conflict':
    case 'forbidden':
      return new CniError(context === 'config' ? CNI_CODES.invalidConfig : CNI_CODES.refused, error.message, error.code);
    default:
      return new CniError(CNI_CODES.internal, error.message, error.code);
  }
}

export function errorJson(error: CniError, cniVersion: string): string {
  const body: Record<string, unknown> = { cniVersion, code: error.code, msg: error.message };
  if (error.details !== '') body['details'] = error.details;
  return JSON.stringify(body);
}
