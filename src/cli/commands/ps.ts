/** `conet ps`: the containers, shaped as `docker ps` prints them. */
import type { ContainerSummary, PortSummary } from '../../client/index.js';
import { clientFor, parseFilters, wantsJson } from '../connect.js';
import { ellipsis, humanDuration, renderJson, renderTable } from '../output.js';
import { COMMON_OPTIONS, COMMON_USAGE, EXIT_OK, UsageError, parseCommandArgs, type Command, type CommandContext } from '../usage.js';

const USAGE = `Usage: conet ps [OPTIONS]

List containers (running ones unless --all).

Options:
  -a, --all             show all containers
  -f, --filter K=V      filter as docker ps does (name, label, status, network, ...), repeatable
  -q, --quiet           only ids
      --no-trunc        do not truncate ids and commands
${COMMON_USAGE}`;

export function formatPorts(ports: readonly PortSummary[]): string {
  return ports.map((port) => {
    if (port.publicPort === undefined) return `${port.privatePort}/${port.protocol}`;
    const ip = port.ip.includes(':') ? `[${port.ip}]` : port.ip;
    return `${ip}:${port.publicPort}->${port.privatePort}/${port.protocol}`;
  }).join(', ');
}

export function containerRow(container: ContainerSummary, now: number, noTrunc: boolean): string[] {
  const command = noTrunc ? container.command : ellipsis(container.command, 20);
  return [
    noTrunc ? container.id : container.id.slice(0, 12),
    container.image,
    JSON.stringify(command),
    `${humanDuration(Math.max(0, now - container.created))} ago`,
    container.status,
    formatPorts(container.ports),
    container.names.join(','),
  ];
}

export const HEADERS = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];

async function run(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    all: { type: 'boolean', short: 'a' },
    filter: { type: 'string', short: 'f', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
    'no-trunc': { type: 'boolean' },
  }, USAGE);
  if (values.help) return context.stdout.write(USAGE), EXIT_OK;
  let filters: Record<string, string[]>;
  try {
    filters = parseFilters(values.filter);
  } catch (error) {
    throw new UsageError((error as Error).message, USAGE);
  }
  const containers = await clientFor(values.host, context).listContainers({ all: values.all === true, filters });
  const noTrunc = values['no-trunc'] === true;
  if (wantsJson(values.json, context)) context.stdout.write(renderJson(containers));
  else if (values.quiet) context.stdout.write(containers.map((c) => `${noTrunc ? c.id : c.id.slice(0, 12)}\n`).join(''));
  else context.stdout.write(renderTable(HEADERS, containers.map((c) => containerRow(c, Date.now() / 1000, noTrunc))));
  return EXIT_OK;
}

export const psCommand: Command = { name: 'ps', summary: 'List containers', usage: USAGE, run };
