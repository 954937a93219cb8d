#!/usr/bin/env node
// The package ships TypeScript sources; bin/compiled.js compiles them once into a cache, so no build step is needed after `npm ci`.
import { importEntry } from './compiled.js';

const { main } = await importEntry('cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
