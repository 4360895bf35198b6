/** The signal of `docker kill -s`: a name with or without "SIG", or a number, as the runtime takes it. */
import { invalid } from '../../errors/index.js';
import { constants } from 'node:os';

/** "KILL", "SIGKILL", "9" -> "SIGKILL", "SIGKILL", "9"; anything else is Docker's 400. */
export function normaliseSignal(signal: string): string {
  if (!/^(SIG)?[A-Z0-9]+$/.test(signal)) throw invalid('signal', `Invalid signal: ${signal}`);
  return signal.startsWith('SIG') || /^\d+$/.test(signal) ? signal : `SIG${signal}`;
}

/** The number Docker's kill event shows ("SIGTERM" -> "15"); a number stays as it is. */
export function signalNumber(signal: string): string {
  if (/^\d+$/.test(signal)) return signal;
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof constants.signals;
  return String(constants.signals[name] ?? signal);
}
