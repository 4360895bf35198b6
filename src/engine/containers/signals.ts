/**
 * Signals: `docker kill -s` (a name with or without "SIG", or a number, as the runtime takes it)
 * and `--stop-signal` (Docker's signal.ParseSignal: a known Linux name, any case, with or
 * without "SIG", or a number from 1 to 64), kept as numbers for runc.
 */
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

const LINUX_SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31, RTMIN: 34, RTMAX: 64,
};

/** `--stop-signal`'s number ("SIGUSR1", "usr1", "10" -> 10; "RTMIN+3" -> 37); Docker's 400 otherwise. */
export function parseSignal(signal: string): number {
  if (/^\d{1,2}$/.test(signal) && Number(signal) >= 1 && Number(signal) <= 64) return Number(signal);
  const name = signal.toUpperCase().replace(/^SIG/, '');
  const known = LINUX_SIGNALS[name];
  if (known !== undefined && Object.hasOwn(LINUX_SIGNALS, name)) return known;
  const realtime = /^RTM(IN|AX)([+-])(\d{1,2})$/.exec(name);
  if (realtime) {
    const offset = Number(realtime[3]);
    const base = realtime[1] === 'IN' ? 34 : 64;
    const value = realtime[2] === '+' ? base + offset : base - offset;
    if (offset >= 1 && offset <= 15 && (realtime[1] === 'IN') === (realtime[2] === '+')) return value;
  }
  throw invalid('signal', `Invalid signal: ${signal}`);
}
