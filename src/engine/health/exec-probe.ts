/**
 * One healthcheck probe, run inside the container as `docker exec` runs a command (the container's
 * env, user and working directory, no TTY, no stdin). The timeout is enforced: a probe still
 * running then is killed (the command inside the container and the runtime's exec process) and
 * counts as a failure, exit code -1, as Docker reports it.
 */
import type { Container } from '../../model/container.js';
import type { HealthResult } from '../../model/health.js';
import { formatGoDuration } from '../../util/go-duration.js';
import { timestamp } from '../../util/ids.js';
import type { ContainerStreams, ExecHandle } from '../containers/dependencies.js';
import { ProbeOutput } from './health-record.js';

export interface RunningProbe {
  result: Promise<HealthResult>;
  /** Kills the probe (the container stopped); its result is then of no interest. */
  cancel(): void;
}

export interface HealthProbe {
  run(container: Container, argv: string[], timeoutNs: number): RunningProbe;
}

/** How long a killed probe may take to be reaped before its result is given anyway. */
const REAP_MS = 5_000;

export function execProbe(streams: Pick<ContainerStreams, 'exec'>, directoryOf: (id: string) => string): HealthProbe {
  return {
    run(container, argv, timeoutNs) {
      let handle: ExecHandle | undefined;
      let cancelled = false;
      const result = (async (): Promise<HealthResult> => {
        const start = timestamp();
        const output = new ProbeOutput();
        try {
          handle = await streams.exec(container.id, directoryOf(container.id), {
            args: argv, env: container.config.env, cwd: container.config.workingDir || '/', user: container.config.user,
            groupAdd: container.hostConfig?.isolation?.groupAdd ?? [], tty: false, stdin: false,
          });
        } catch (error) {
          return { start, end: timestamp(), exitCode: -1, output: error instanceof Error ? error.message : String(error) };
        }
        if (cancelled) handle.kill();
        handle.stdout?.on('data', (chunk: Buffer) => output.write(chunk));
        handle.stderr?.on('data', (chunk: Buffer) => output.write(chunk));
        return finish(handle, start, output, timeoutNs);
      })();
      return {
        result,
        cancel() {
          cancelled = true;
          handle?.kill();
        },
      };
    },
  };
}

async function finish(handle: ExecHandle, start: string, output: ProbeOutput, timeoutNs: number): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(1, Math.ceil(timeoutNs / 1e6)))));
  const outcome = await Promise.race([handle.exited, expired]);
  clearTimeout(timer);
  if (outcome !== 'timeout') return { start, end: timestamp(), exitCode: outcome, output: output.text() };
  handle.kill();
  // Reaped, so no process outlives its probe; bounded, so a stuck runtime can't stall the monitor.
  await Promise.race([handle.exited, new Promise((resolve) => setTimeout(resolve, REAP_MS).unref())]);
  return { start, end: timestamp(), exitCode: -1, output: `Health check exceeded timeout (${formatGoDuration(timeoutNs)})` };
}
