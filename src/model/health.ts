/**
 * Healthchecks as Docker runs them (Config.Healthcheck, State.Health). Durations are nanoseconds,
 * as Docker's API carries them; 0 means "the default" (or, merged with an image, "the image's").
 */

export interface HealthConfig {
  /** ["CMD", arg...], ["CMD-SHELL", "command"], ["NONE"], or [] (inherit the image's). */
  test: string[];
  interval: number;
  timeout: number;
  startPeriod: number;
  /** API 1.44: how often to probe during the start period. */
  startInterval: number;
  retries: number;
}

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One probe's outcome (Docker's HealthcheckResult); times are RFC 3339. */
export interface HealthResult {
  start: string;
  end: string;
  /** 0 healthy, anything else a failure; -1 when the probe could not run or timed out. */
  exitCode: number;
  output: string;
}

export interface HealthState {
  status: HealthStatus;
  failingStreak: number;
  /** The last results, oldest first. */
  log: HealthResult[];
}
