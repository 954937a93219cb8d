// Runs bin/gonogo.js with the given arguments and prints its peak resident memory (KB) on stderr at exit.
process.on('exit', () => process.stderr.write(`\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`));
await import('../bin/gonogo.js');
