/**
 * The trace between two containers, as the daemon's own trace route computes it (issue 17 item
 * 1, `conet trace`). A daemon without that route yet answers "page not found": the view then
 * says the trace is unavailable rather than inventing a verdict.
 */
import { isEngineError } from '../errors/index.js';
import type { DockerApi } from './docker-api.js';

export const TRACE_PATH = '/conet/v1/trace';

export type TraceAnswer = { available: true; trace: unknown } | { available: false; reason: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

export function validTraceEnd(value: string | null): value is string {
  return value !== null && NAME.test(value);
}

export async function traceBetween(api: DockerApi, source: string, destination: string): Promise<TraceAnswer> {
  const query = new URLSearchParams({ src: source, dst: destination }).toString();
  try {
    return { available: true, trace: await api.get(`${TRACE_PATH}?${query}`, 5_000) };
  } catch (error) {
    if (isEngineError(error) && error.kind === 'not-found' && error.message === 'page not found') {
      return { available: false, reason: 'this daemon has no trace route yet (conet trace)' };
    }
    throw error;
  }
}
