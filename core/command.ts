import type { Command } from 'commander';

/** What a command module gets from the CLI: output streams and the exit code to finish with. */
export interface Cli {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  /** Sets the process exit code (0 GO, 1 NO-GO, 2 usage/config/harness error); only main() exits. */
  exit(code: 0 | 1 | 2): void;
}

/** Each feature folder exports one of these to add its subcommands; throw UsageError/InputError/ConfigError for exit 2. */
export type RegisterCommands = (program: Command, cli: Cli) => void;
