/**
 * Errors that are handled off the request path (clean-ups, best-effort steps) still leave a
 * trace: these turn an error into log fields and make the `.catch(...)` handler that logs it.
 */
import type { Logger, LogLevel } from './logger.js';

/** The fields a logger gets for an error: its message, and its code and cause when it has them. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const fields: Record<string, unknown> = { error: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') fields['code'] = code;
  if (error.cause !== undefined) fields['cause'] = error.cause instanceof Error ? error.cause.message : String(error.cause);
  return fields;
}

/** A rejection handler that logs the error at `level` and resolves to undefined. */
export function logError(logger: Logger, level: LogLevel, message: string, fields: Record<string, unknown> = {}): (error: unknown) => undefined {
  return (error: unknown) => {
    logger[level](message, { ...fields, ...errorFields(error) });
    return undefined;
  };
}
