/**
 * Container log options (`--log-driver`, `--log-opt`), with Docker's json-file semantics: the
 * log rotates at `max-size` (bytes, or k/m/g in 1024s as Docker's units.RAMInBytes) and keeps
 * `max-file` files, the live one included. An option conet cannot honour is refused with a 400
 * naming it, never accepted and ignored. Options the request leaves out come from the daemon's
 * `log-opts` and then from the built-in cap (20m x 5, Docker's `local` driver defaults), as
 * Docker merges the daemon's options for the same driver: so a log is never unbounded.
 */
import { invalid } from '../../errors/index.js';
import type { LogConfig, LogLimits } from '../../model/container.js';

/** conet writes one format (conmon's k8s-file) and rotates it as json-file does: both names mean that. */
const DRIVERS: readonly string[] = ['json-file', 'k8s-file'];
const OPTIONS: readonly string[] = ['max-size', 'max-file'];
const MAX_FILES = 100;

export const BUILTIN_LOG_CONFIG: LogConfig = { type: 'json-file', config: { 'max-size': '20m', 'max-file': '5' } };

const SIZE = /^(\d+(?:\.\d+)?) ?([kKmMgGtT]?)[iI]?[bB]?$/;
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `10m`, `1g`, `512k`, `4096`: bytes (Docker's units.RAMInBytes); positive. */
export function parseLogSize(text: string): number {
  const match = SIZE.exec(text);
  const bytes = match ? Math.floor(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1)) : NaN;
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw invalid('log-opt', `invalid value for log-opt "max-size": ${JSON.stringify(text)}: expected a positive size such as 10m, 512k or 1g`);
  }
  return bytes;
}

function parseMaxFile(text: string): number {
  const count = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(count >= 1)) throw invalid('log-opt', `invalid value for log-opt "max-file": ${JSON.stringify(text)}: max-file cannot be less than 1`);
  if (count > MAX_FILES) throw invalid('log-opt', `invalid value for log-opt "max-file": ${JSON.stringify(text)}: at most ${MAX_FILES} files`);
  return count;
}

/** Checks a driver and its options (a request's or the daemon's); the type may be "" (the default driver). */
export function validateLogConfig(config: LogConfig): void {
  if (config.type !== '' && !DRIVERS.includes(config.type)) {
    throw invalid('log-driver', `log driver ${JSON.stringify(config.type)} is not supported by conet: use json-file (rotated with max-size and max-file)`);
  }
  for (const [key, value] of Object.entries(config.config)) {
    if (!OPTIONS.includes(key)) throw invalid('log-opt', `unknown log opt ${JSON.stringify(key)} for ${config.type || 'json-file'} log driver: conet supports max-size and max-file`);
    if (key === 'max-size') parseLogSize(value);
    else parseMaxFile(value);
  }
}

/** The request's options over the daemon's over the built-in cap; the driver name kept as asked. */
export function mergeLogConfig(request: LogConfig | undefined, daemon: LogConfig = BUILTIN_LOG_CONFIG): LogConfig {
  const type = request?.type || daemon.type || BUILTIN_LOG_CONFIG.type;
  return { type, config: { ...BUILTIN_LOG_CONFIG.config, ...daemon.config, ...(request?.config ?? {}) } };
}

/** The limits a merged (and validated) config gives. */
export function logLimitsOf(config: LogConfig): LogLimits {
  const merged = mergeLogConfig(config);
  return { maxSize: parseLogSize(merged.config['max-size'] ?? '20m'), maxFiles: parseMaxFile(merged.config['max-file'] ?? '5') };
}
