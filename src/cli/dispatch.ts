/**
 * `conet [GLOBAL OPTIONS] COMMAND [ARGS]`: global options (`--host`, `--json`, `--help`) before the
 * command, then the command from the table. Returns the exit code; errors are printed here, once,
 * as the docker CLI prints them.
 */
import { DaemonAnswerError, DaemonResponseError, DaemonUnreachableError, HostError } from '../client/index.js';
import { COMMANDS } from './commands/index.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Command, type CommandContext } from './usage.js';

export function mainUsage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 3;
  return `Usage: conet [OPTIONS] COMMAND

A container networking engine serving the Docker Engine API, and its command line.

Options:
  -H, --host URL   daemon address: unix:///PATH or tcp://HOST:PORT
                   (default: $CONET_HOST, then $DOCKER_HOST, then unix:///run/conet/docker.sock)
      --json       print JSON instead of tables
  -h, --help       print this usage

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}\n`).join('')}
Run 'conet COMMAND --help' for more on a command.
`;
}

interface Global {
  host?: string;
  json: boolean;
  help: boolean;
  rest: string[];
}

function parseGlobal(argv: readonly string[]): Global {
  const global: Global = { json: false, help: false, rest: [] };
  let index = 0;
  for (; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('-')) break;
    if (arg === '--json') global.json = true;
    else if (arg === '--help' || arg === '-h') global.help = true;
    else if (arg === '--host' || arg === '-H') {
      const value = argv[index + 1];
      if (value === undefined) throw new UsageError(`option ${arg} needs a value`, mainUsage());
      global.host = value;
      index += 1;
    } else if (arg.startsWith('--host=')) global.host = arg.slice('--host='.length);
    else throw new UsageError(`unknown option ${JSON.stringify(arg)}`, mainUsage());
  }
  global.rest = argv.slice(index);
  return global;
}

async function dispatch(argv: readonly string[], context: Omit<CommandContext, 'globalJson' | 'globalHost'>): Promise<number> {
  const global = parseGlobal(argv);
  const [name, ...args] = global.rest;
  if (name === undefined || name === 'help') {
    if (name === undefined && !global.help) throw new UsageError('a command is needed', mainUsage());
    context.stdout.write(mainUsage());
    return EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`, mainUsage());
  if (global.help) args.push('--help');
  return command.run(args, { ...context, globalJson: global.json, ...(global.host !== undefined ? { globalHost: global.host } : {}) });
}

/** Runs one command line and returns its exit code; nothing is thrown. */
export async function runCli(argv: readonly string[], context: Omit<CommandContext, 'globalJson' | 'globalHost'>): Promise<number> {
  try {
    return await dispatch(argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr.write(`conet: ${error.message}\n\n${error.usage}`);
      return EXIT_USAGE;
    }
    if (error instanceof DaemonResponseError) context.stderr.write(`Error response from daemon: ${error.message}\n`);
    else if (error instanceof DaemonUnreachableError || error instanceof HostError || error instanceof DaemonAnswerError) context.stderr.write(`${error.message}\n`);
    else context.stderr.write(`conet: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
