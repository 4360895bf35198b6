/**
 * A pull's progress as Docker's JSON messages (jsonmessage.JSONMessage): layer lines carry
 * `progressDetail` (empty, or current/total) and, while bytes move, the `progress` bar the daemon
 * draws (`[===>   ]  1.2MB/20MB`, 50 wide, sizes as go-units' HumanSize); the pull's own lines
 * (`Pulling from`, `Digest:`, `Status:`) only a status and maybe an id. An error after the stream
 * started is one line `{"errorDetail":{"message":…},"error":…}`.
 */
import type { PullEvent, PushEvent } from '../../model/registry.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** go-units HumanSize: decimal units, 4 significant digits, trailing zeros dropped ("%.4g%s"). */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${Number(value.toPrecision(4))}${UNITS[unit]!}`;
}

export function progressBar(current: number, total: number): string {
  if (total <= 0) return `${humanSize(current).padStart(8)}`;
  const filled = Math.min(50, Math.floor((current / total) * 50));
  return `[${'='.repeat(filled)}>${' '.repeat(50 - filled)}] ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

const LAYER_STATUSES = new Set(['Pulling fs layer', 'Waiting', 'Downloading', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete', 'Already exists']);

export function renderPullEvent(event: PullEvent): Record<string, unknown> {
  if (!LAYER_STATUSES.has(event.status)) return { status: event.status, ...(event.id !== undefined ? { id: event.id } : {}) };
  const moving = event.current !== undefined && event.total !== undefined;
  return {
    status: event.status,
    progressDetail: moving ? { current: event.current, total: event.total } : {},
    ...(moving ? { progress: progressBar(event.current!, event.total!) } : {}),
    ...(event.id !== undefined ? { id: event.id } : {}),
  };
}

const PUSH_STATUSES = new Set(['Preparing', 'Waiting', 'Pushing', 'Pushed', 'Layer already exists']);

/** A push's message: layer lines as a pull's (progressDetail, bar), the final one with its aux. */
export function renderPushEvent(event: PushEvent): Record<string, unknown> {
  if (event.aux) return { progressDetail: {}, aux: event.aux };
  if (!PUSH_STATUSES.has(event.status) && !event.status.startsWith('Mounted from ')) return { status: event.status, ...(event.id !== undefined ? { id: event.id } : {}) };
  const moving = event.current !== undefined && event.total !== undefined;
  return {
    status: event.status,
    progressDetail: moving ? { current: event.current, total: event.total } : {},
    ...(moving ? { progress: progressBar(event.current!, event.total!) } : {}),
    ...(event.id !== undefined ? { id: event.id } : {}),
  };
}

export function renderStreamError(message: string): Record<string, unknown> {
  return { errorDetail: { message }, error: message };
}
