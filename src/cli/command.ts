// The CLI's commander Command. One change to commander's order of checks:
// it reports a missing required option before an unknown one, so that a
// misspelled `--public-kee K` was reported as "required option '--public-key'
// not specified", hiding the typo. Here an unknown option is reported first,
// with commander's own message and its "Did you mean" suggestion.
import { Command, type ParseOptionsResult } from 'commander';

declare module 'commander' {
  interface Command {
    /** Commander's own report of an unknown option (in commander 14, not in its typings): throws through exitOverride. */
    unknownOption(flag: string): never;
  }
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

export class ShredproofCommand extends Command {
  override createCommand(name?: string): ShredproofCommand {
    return new ShredproofCommand(name);
  }

  override parseOptions(argv: string[]): ParseOptionsResult {
    const parsed = super.parseOptions(argv);
    // Only a command that runs (no subcommands) knows all of its options; help wins over everything.
    const first = parsed.unknown[0];
    if (this.commands.length === 0 && first !== undefined && first.length > 1 && first.startsWith('-') && !argv.some(isHelp)) {
      this.unknownOption(first);
    }
    return parsed;
  }
}
