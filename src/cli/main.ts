/** `conet` command line: the process entry. Dispatch and commands live in dispatch.ts and commands/. */
import { runCli } from './dispatch.js';

const stdout = { write: (text: string): void => void process.stdout.write(text) };
const stderr = { write: (text: string): void => void process.stderr.write(text) };

const code = await runCli(process.argv.slice(2), { stdout, stderr, env: process.env });
// `conet daemon` keeps running on its handles; a failure ends the process even if handles remain
// (stdout and stderr are synchronous for files and pipes on Linux, so nothing written is lost).
if (code !== 0) process.exit(code);
