/** A command made of subcommands (`conet network ls`): its usage lists them; an unknown one is a UsageError. */
import { EXIT_OK, UsageError, type Command, type CommandContext } from '../usage.js';

export interface Subcommand {
  summary: string;
  usage: string;
  run(args: string[], context: CommandContext): Promise<number>;
}

export function subcommandGroup(name: string, summary: string, table: Record<string, Subcommand>): Command {
  const width = Math.max(...Object.keys(table).map((key) => key.length)) + 3;
  const usage = `Usage: conet ${name} COMMAND

${summary}

Commands:
${Object.entries(table).map(([key, sub]) => `  ${key.padEnd(width)}${sub.summary}\n`).join('')}
Run 'conet ${name} COMMAND --help' for more on a command.
`;
  async function run(args: string[], context: CommandContext): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      if (sub === undefined) throw new UsageError(`"conet ${name}" requires a command`, usage);
      context.stdout.write(usage);
      return EXIT_OK;
    }
    const entry = Object.hasOwn(table, sub) ? table[sub] : undefined;
    if (!entry) throw new UsageError(`unknown command "${sub}" for "conet ${name}"`, usage);
    return entry.run(rest, context);
  }
  return { name, summary, usage, run };
}
