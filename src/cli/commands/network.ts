/** `conet network ls|inspect`, shaped as `docker network ls|inspect`. */
import { DaemonResponseError } from '../../client/index.js';
import { clientFor, parseFilters, wantsJson } from '../connect.js';
import { renderJson, renderTable } from '../output.js';
import { COMMON_OPTIONS, COMMON_USAGE, EXIT_FAILED, EXIT_OK, UsageError, parseCommandArgs, type Command, type CommandContext } from '../usage.js';
import { subcommandGroup } from './group.js';

const LS_USAGE = `Usage: conet network ls [OPTIONS]

List networks.

Options:
  -f, --filter K=V   filter as docker network ls does (driver, name, id, label, type, scope, dangling)
  -q, --quiet        only ids
      --no-trunc     do not truncate ids
${COMMON_USAGE}`;

const INSPECT_USAGE = `Usage: conet network inspect [OPTIONS] NETWORK [NETWORK...]

Print one or more networks as JSON (the daemon's own shape, as docker network inspect).

Options:
  -v, --verbose      with the services and peers of swarm-scoped networks (accepted, as docker)
${COMMON_USAGE}`;

async function ls(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    filter: { type: 'string', short: 'f', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
    'no-trunc': { type: 'boolean' },
  }, LS_USAGE);
  if (values.help) return context.stdout.write(LS_USAGE), EXIT_OK;
  let filters: Record<string, string[]>;
  try {
    filters = parseFilters(values.filter);
  } catch (error) {
    throw new UsageError((error as Error).message, LS_USAGE);
  }
  const networks = (await clientFor(values.host, context).listNetworks(filters)).sort((a, b) => a.name.localeCompare(b.name));
  const id = (value: string): string => (values['no-trunc'] ? value : value.slice(0, 12));
  if (wantsJson(values.json, context)) context.stdout.write(renderJson(networks));
  else if (values.quiet) context.stdout.write(networks.map((n) => `${id(n.id)}\n`).join(''));
  else context.stdout.write(renderTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], networks.map((n) => [id(n.id), n.name, n.driver, n.scope])));
  return EXIT_OK;
}

async function inspect(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_OPTIONS, verbose: { type: 'boolean', short: 'v' } }, INSPECT_USAGE, true);
  if (values.help) return context.stdout.write(INSPECT_USAGE), EXIT_OK;
  if (positionals.length === 0) throw new UsageError('"conet network inspect" requires at least 1 argument', INSPECT_USAGE);
  const client = clientFor(values.host, context);
  const found: Record<string, unknown>[] = [];
  let status = EXIT_OK;
  for (const name of positionals) {
    try {
      found.push(await client.inspectNetwork(name, { verbose: values.verbose === true }));
    } catch (error) {
      if (!(error instanceof DaemonResponseError) || error.status !== 404) throw error;
      context.stderr.write(`Error: No such network: ${name}\n`);
      status = EXIT_FAILED;
    }
  }
  // docker network inspect prints the array even when some were missing ([] when none was found).
  context.stdout.write(renderJson(found));
  return status;
}

export const networkCommand: Command = subcommandGroup('network', 'Manage networks (ls, inspect)', {
  ls: { summary: 'List networks', usage: LS_USAGE, run: ls },
  list: { summary: 'List networks (alias of ls)', usage: LS_USAGE, run: ls },
  inspect: { summary: 'Display detailed information on one or more networks', usage: INSPECT_USAGE, run: inspect },
});
