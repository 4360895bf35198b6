/**
 * A container's healthcheck as Docker settles it: the request's over the image's (each unset part
 * taken from the image, as dockerd's config merge does), the defaults of the unset durations, and
 * the argv of the probe. Pure.
 */
import type { HealthConfig } from '../../model/health.js';

export const DEFAULT_INTERVAL = 30e9;
export const DEFAULT_TIMEOUT = 30e9;
export const DEFAULT_START_INTERVAL = 5e9;
export const DEFAULT_RETRIES = 3;

/** The request's healthcheck over the image's (Docker's merge: empty Test and zero values inherit). */
export function mergeHealthcheck(request: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!request) return image;
  if (!image) return request;
  return {
    test: request.test.length > 0 ? request.test : image.test,
    interval: request.interval || image.interval,
    timeout: request.timeout || image.timeout,
    startPeriod: request.startPeriod || image.startPeriod,
    startInterval: request.startInterval || image.startInterval,
    retries: request.retries || image.retries,
  };
}

/** The probe's argv; undefined when there is nothing to run (no test, or NONE). */
export function probeArgv(config: HealthConfig | undefined): string[] | undefined {
  const [kind, ...rest] = config?.test ?? [];
  if (kind === 'CMD' && rest.length > 0) return rest;
  if (kind === 'CMD-SHELL' && rest.length > 0) return ['/bin/sh', '-c', rest.join(' ')];
  return undefined;
}

/** The effective timings (ns) and retries. */
export function healthTimings(config: HealthConfig): { interval: number; timeout: number; startPeriod: number; startInterval: number; retries: number } {
  return {
    interval: config.interval || DEFAULT_INTERVAL,
    timeout: config.timeout || DEFAULT_TIMEOUT,
    startPeriod: config.startPeriod,
    startInterval: config.startInterval || DEFAULT_START_INTERVAL,
    retries: config.retries || DEFAULT_RETRIES,
  };
}

const nanoseconds = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0);

/**
 * An image's Healthcheck (its config document's wire shape, as loaded): kept when it is well
 * formed, dropped otherwise (a damaged image config must not stop a create).
 */
export function healthcheckFromImage(raw: unknown): HealthConfig | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const wire = raw as Record<string, unknown>;
  const test = wire['Test'];
  if (test !== undefined && test !== null && !(Array.isArray(test) && test.every((word) => typeof word === 'string'))) return undefined;
  return {
    test: (test as string[] | null | undefined) ?? [],
    interval: nanoseconds(wire['Interval']),
    timeout: nanoseconds(wire['Timeout']),
    startPeriod: nanoseconds(wire['StartPeriod']),
    startInterval: nanoseconds(wire['StartInterval']),
    retries: nanoseconds(wire['Retries']),
  };
}
