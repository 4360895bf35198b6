/** An exec session as `GET /exec/{id}/json` shows it (the CLI reads ExitCode from it). */
import type { ExecSession } from '../../engine/exec/exec-service.js';

export function renderExec(session: ExecSession): Record<string, unknown> {
  const [entrypoint, ...args] = session.config.cmd;
  return {
    ID: session.id,
    Running: session.running,
    ExitCode: session.exitCode,
    ProcessConfig: {
      tty: session.config.tty, entrypoint, arguments: args, privileged: session.config.privileged,
      ...(session.config.user ? { user: session.config.user } : {}),
    },
    OpenStdin: session.config.attachStdin,
    OpenStderr: session.config.attachStderr,
    OpenStdout: session.config.attachStdout,
    CanRemove: false,
    ContainerID: session.containerId,
    DetachKeys: session.config.detachKeys,
    Pid: session.pid,
  };
}
