/**
 * Stdin for a container under conmon goes through its attach socket, a SOCK_SEQPACKET unix socket
 * that Node's net module cannot open. socat relays: our pipe -> one packet per chunk -> conmon ->
 * the container's stdin (or its pty). When our pipe ends, socat shuts the socket down and conmon
 * closes the container's stdin, which is Docker's StdinOnce behaviour for `docker run -i`.
 * Output conmon also sends on that socket is discarded: it reaches the client through the log.
 */
import { basename, dirname } from 'node:path';
import { startPiped, type PipedProcess } from '../../exec/index.js';

/** Connects by a relative path from the socket's directory: full paths exceed sun_path's 108 bytes. */
export function relayStdin(socketPath: string): PipedProcess {
  return startPiped(['socat', '-', `UNIX-CONNECT:${basename(socketPath)},type=5`], { stdout: 'ignore', stderr: 'ignore', cwd: dirname(socketPath) });
}

/** conmon's control fifo: "1 HEIGHT WIDTH\n" resizes the container's pty. */
export function resizeMessage(height: number, width: number): string {
  return `1 ${height} ${width}\n`;
}

/** conmon's control fifo: "2 0 0\n" makes it reopen its log file (a new live file after a rotation). */
export const REOPEN_LOG_MESSAGE = '2 0 0\n';
