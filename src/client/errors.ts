/** What can go wrong talking to the daemon, typed so the CLI prints each as docker does. */
export class DaemonUnreachableError extends Error {
  constructor(readonly address: string, cause: unknown) {
    super(`Cannot connect to the conet daemon at ${address}. Is the daemon running?`, { cause });
    this.name = 'DaemonUnreachableError';
  }
}

/** The daemon answered with a non-2xx status; `message` is its `{"message": …}` body (or the status). */
export class DaemonResponseError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'DaemonResponseError';
  }
}

/** The daemon's answer did not have the shape we expect. */
export class DaemonAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonAnswerError';
  }
}

/** The message of an error body: Docker's `{"message": "…"}`, else the raw text cut short, else the status. */
export function errorBodyMessage(status: number, body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string') {
      return (parsed as { message: string }).message;
    }
  } catch {
    // not JSON: fall through to the raw text, which is what the daemon (or a proxy) said
  }
  const text = body.trim().slice(0, 200);
  return text === '' ? `the daemon answered HTTP ${status}` : text;
}
