/** The signal of `docker kill -s`: a name with or without "SIG", or a number, as the runtime takes it. */
import { invalid } from '../../errors/index.js';

/** "KILL", "SIGKILL", "9" -> "SIGKILL", "SIGKILL", "9"; anything else is Docker's 400. */
export function normaliseSignal(signal: string): string {
  if (!/^(SIG)?[A-Z0-9]+$/.test(signal)) throw invalid('signal', `Invalid signal: ${signal}`);
  return signal.startsWith('SIG') || /^\d+$/.test(signal) ? signal : `SIG${signal}`;
}
