#!/usr/bin/env node
// The gonogo command: compiled to dist/bin/gonogo.js, the package's bin.
import { main, guardStdio } from '../cli/main.ts';

// Only this entry point ends the process: anything else calling process.exit (code in a config file) would
// end a run without its report, so before the verdict it ends with exit 2, after it with the verdict's code.
const exit = process.exit.bind(process);
let finished = false;
process.exit = ((code?: number | string | null) => {
  if (finished) exit();
  process.stderr.write(
    `Error: process.exit(${code ?? ''}) was called while gonogo was running (by code in the config file?); a run that is cut off has no verdict, so gonogo exits 2.\n`,
  );
  exit(2);
}) as typeof process.exit;

// A reader that goes away (`gonogo ... | head -1`) or a full disk behind stdout is handled, never a stack trace.
const stdio = guardStdio();
process.exitCode = stdio.exitCode(await main(process.argv.slice(2)));
finished = true;
// A timer or socket left open (by a config file, say) must not keep a finished gonogo alive; this one does not itself.
setTimeout(() => exit(), 1000).unref();
