import { EngineError, isEngineError, type ErrorKind } from './engine-error.js';

/** The one table from error kind to Docker's HTTP status (moby errdefs/httpstatus). */
export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'not-implemented': 501,
  unavailable: 503,
  system: 500,
};

export interface HttpError {
  status: number;
  body: { message: string };
}

/**
 * Maps any thrown value to a Docker-style status and body. Unknown errors are 500s. A hint follows
 * the message ("<message>: <hint>"), so the client's text still starts with Docker's wording.
 */
export function toHttpError(error: unknown): HttpError {
  if (isEngineError(error)) {
    const message = error.hint ? `${error.message}: ${error.hint}` : error.message;
    return { status: STATUS_BY_KIND[error.kind], body: { message } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { message } };
}

export { EngineError };
