#!/usr/bin/env node
// Runs one TypeScript file of this package (the reference platform's process, benchmarks, fixtures) without a build step.
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importEntry } from './compiled.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: run-ts FILE.ts [args...]');
  process.exit(2);
}
process.argv.splice(1, 1);
await importEntry(relative(resolve(fileURLToPath(import.meta.url), '../..'), resolve(file)));
