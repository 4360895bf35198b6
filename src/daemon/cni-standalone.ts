/**
 * The CNI plugin without a daemon. Until the standalone engine lands, every verb but VERSION is
 * error 11 (try again later) and STATUS is 50: the plugin needs conetd.
 */
import { CNI_CODES, cniError } from '../cni/cni-error.js';
import { runCni, type CniBackend, type CniOutcome } from '../cni/plugin.js';

function unavailableBackend(): CniBackend {
  const later = (): never => {
    throw cniError(CNI_CODES.tryAgainLater, 'conetd is not running: start it and try again');
  };
  return {
    add: later,
    remove: later,
    check: later,
    gc: later,
    async status() {
      throw cniError(CNI_CODES.pluginNotAvailable, 'conetd is not running');
    },
    netnsPath: (name) => `/run/netns/${name}`,
  };
}

export function runStandaloneCni(env: Record<string, string | undefined>, stdin: string): Promise<CniOutcome> {
  return runCni(env, stdin, unavailableBackend());
}
