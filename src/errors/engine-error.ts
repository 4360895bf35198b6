/**
 * One error type for the whole engine. Its kind decides the HTTP status (see http-status.ts),
 * its message is what the Docker client prints after "Error response from daemon: ".
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'not-found'
  | 'conflict'
  | 'forbidden'
  | 'unavailable'
  | 'not-implemented'
  | 'system';

export class EngineError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint?: string;

  constructor(kind: ErrorKind, code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.kind = kind;
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}

export const invalid = (code: string, message: string, hint?: string): EngineError =>
  new EngineError('invalid', code, message, hint === undefined ? {} : { hint });
export const notFound = (code: string, message: string): EngineError => new EngineError('not-found', code, message);
export const conflict = (code: string, message: string): EngineError => new EngineError('conflict', code, message);
export const forbidden = (code: string, message: string): EngineError => new EngineError('forbidden', code, message);
export const unavailable = (code: string, message: string): EngineError =>
  new EngineError('unavailable', code, message);
export const notImplemented = (code: string, message: string): EngineError =>
  new EngineError('not-implemented', code, message);
export const system = (code: string, message: string, cause?: unknown): EngineError =>
  new EngineError('system', code, message, { cause });

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError;
}
