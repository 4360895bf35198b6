/**
 * A failed push in Docker's words: no or wrong credentials -> `unauthorized: authentication
 * required` (what the registry says and Docker prints), a repository the user may not write ->
 * `denied: requested access to the resource is denied`, a registry that doesn't answer -> the
 * request that failed; anything else keeps skopeo's message (skopeo-errors.ts unquotes it).
 */
import { EngineError, system } from '../../../errors/index.js';
import { ExecError } from '../../../exec/index.js';
import { skopeoMessage } from './skopeo-errors.js';

/** The client-facing error of a push to `repository` (familiar form). */
export function pushError(error: unknown, repository: string): Error {
  if (!(error instanceof ExecError)) return error instanceof Error ? error : new Error(String(error));
  if (error.failure === 'aborted') return system('push-cancelled', 'push cancelled: the client disconnected');
  const message = skopeoMessage(error.stderr);
  if (/\bdenied\b/i.test(message) && !/authentication required|unauthorized/i.test(message)) {
    return new EngineError('forbidden', 'push-denied', 'denied: requested access to the resource is denied');
  }
  if (/authentication required|unauthorized|invalid username\/password/i.test(message)) {
    return new EngineError('unauthorized', 'push-unauthorized', 'unauthorized: authentication required');
  }
  const get = /(?:Get|Head|Post|Put|Patch) "[^"]*": .*/s.exec(message);
  if (get) return system('registry-unreachable', get[0]);
  return system('push-failed', `error pushing to ${repository}: ${message}`);
}
