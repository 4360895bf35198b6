/**
 * skopeo's failures told in Docker's words. skopeo logs one logrus line (`level=fatal msg="…"`,
 * a Go-quoted string); the message is unquoted, the `Error parsing image name "…": ` wrapper
 * dropped, and the registry's error code recognised: manifest unknown -> 404 `manifest for X not
 * found`, unauthorized/denied -> 404 `pull access denied for X …` (moby's notFoundError),
 * name unknown -> 404 `repository X not found`, a digest mismatch -> `filesystem layer
 * verification failed for digest …`, a dead or silent registry -> 500 with the Get that failed.
 */
import { EngineError, notFound, system } from '../../../errors/index.js';
import { ExecError } from '../../../exec/index.js';

export interface ErrorContext {
  /** `nginx:1.9.1`, `HOST:PORT/library/nginx@sha256:…` */
  familiar: string;
  /** `nginx`, `HOST:PORT/library/nginx` */
  name: string;
  domain: string;
  timeoutMs: number;
}

const MSG = /msg="((?:[^"\\]|\\.)*)"/;

/** The message of skopeo's fatal log line, unquoted; the whole stderr when it has none. */
export function skopeoMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').reverse();
  for (const line of lines) {
    const match = MSG.exec(line);
    if (!match) continue;
    let text: string;
    try {
      text = JSON.parse(`"${match[1]!}"`) as string;
    } catch {
      // A Go escape JSON lacks (\x…): the quoted text as it is is still readable.
      text = match[1]!;
    }
    return text.replace(/^Error parsing image name "[^"]*": /, '').slice(0, 2000);
  }
  return stderr.trim().slice(-2000) || 'skopeo failed without a message';
}

/** The part after "in HOST/REPO: " (skopeo's "reading manifest X in Y: cause"). */
function causeOf(message: string): string {
  const match = /^(?:reading manifest|reading blob|initializing source|parsing image configuration|choosing an image from manifest list)[^:]*?: (.*)$/s.exec(message);
  return match ? match[1]! : message;
}

function fromRegistryCode(message: string, context: ErrorContext): EngineError | undefined {
  const cause = causeOf(message);
  if (/manifest unknown/.test(cause)) return notFound('manifest-unknown', `manifest for ${context.familiar} not found: manifest unknown: manifest unknown`);
  if (/\b(unauthorized|denied|authentication required)\b/i.test(cause)) {
    const detail = /denied: .*/.exec(cause)?.[0] ?? 'denied: requested access to the resource is denied';
    return notFound('pull-access-denied', `pull access denied for ${context.name}, repository does not exist or may require 'docker login': ${detail}`);
  }
  if (/name unknown/.test(cause)) return notFound('repository-unknown', `repository ${context.name} not found: name unknown: repository name not known to registry`);
  const digest = /Digest did not match, expected (sha256:[0-9a-f]{64})/.exec(cause);
  if (digest) return system('digest-mismatch', `filesystem layer verification failed for digest ${digest[1]!}`);
  return undefined;
}

/** Any failure of a skopeo run as the EngineError the client is shown. */
export function pullError(error: unknown, context: ErrorContext): Error {
  if (!(error instanceof ExecError)) return error instanceof Error ? error : new Error(String(error));
  if (error.failure === 'aborted') return system('pull-cancelled', 'pull cancelled: every client disconnected');
  const message = skopeoMessage(error.stderr);
  const known = fromRegistryCode(message, context);
  if (known) return known;
  const seconds = Math.round(context.timeoutMs / 1000);
  if (error.failure === 'timeout' || /context deadline exceeded|Client\.Timeout|i\/o timeout/.test(message)) {
    return system('registry-timeout', `registry ${context.domain} did not answer within ${seconds}s (registry-timeout): ${causeOf(message)}`);
  }
  const get = /Get "[^"]*": .*/s.exec(message);
  if (get) return system('registry-unreachable', get[0]);
  return system('registry-error', `error pulling ${context.familiar}: ${causeOf(message)}`);
}
