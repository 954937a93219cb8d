// Runs the built dist/bin/gonogo.js (npm run build) with the given arguments and prints its peak resident memory (KB) on stderr at exit.
process.on('exit', () => process.stderr.write(`\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`));
await import('../dist/bin/gonogo.js');
