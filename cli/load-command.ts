import { writeFile, rename, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve, join } from 'node:path';
import { Option } from 'commander';
import type { RegisterCommands } from '../core/command.ts';
import { InputError, UsageError } from '../core/errors.ts';
import type { LoadConfig } from '../load/config.ts';
import { LOAD_LIMITS, parseCount, parseLoadDuration } from '../load/limits.ts';
import type { EngineChoice } from '../load/select.ts';
import type { LoadResult } from '../core/report-schema.ts';
import { redactUserinfo, targetUrlProblem } from '../core/url.ts';

// The engines, the merge and the export are loaded when their command runs: `--help`, `--version` and the
// other commands do not pay for them.

function count(flag: string, max: number) {
  return (v: string): number => parseCount(v, flag, max);
}

async function summaryText(r: LoadResult): Promise<string> {
  const { loadNotes, topStatuses } = await import('../reports/render/load-status.ts');
  const l = r.latencyMs;
  const lines = [
    `${r.engine}: ${r.requests} requests in ${r.durationS}s (${r.rps} req/s), ${r.errors} failed (${(r.errorRate * 100).toFixed(3)}%)`,
    `latency ms: mean ${l.mean}  p50 ${l.p50}  p90 ${l.p90}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}`,
    ...r.endpoints.map(
      (e) =>
        `  ${e.method} ${e.name}: ${e.requests} req, ${e.errors} failed, p95 ${e.latencyMs.p95} ms${e.statusCodes ? `; ${topStatuses(e) || 'no response'}${e.statusClasses?.network ? `, network errors ×${e.statusClasses.network}` : ''}` : ''}`,
    ),
    ...loadNotes(r).map((n) => n.text),
  ];
  if (r.availability)
    lines.push(`availability: ${r.availability.ok}/${r.availability.polls} health polls answered 2xx`);
  return lines.join('\n');
}

/** What the failed requests got, for the NO-GO line: status codes and network errors, by count. */
async function noAnswerSummary(r: LoadResult): Promise<string> {
  const { topStatuses } = await import('../reports/render/load-status.ts');
  const parts = r.endpoints
    .map((e) => {
      const statuses = e.statusCodes ? topStatuses(e) : '';
      const network = e.statusClasses?.network ? `network errors ×${e.statusClasses.network}` : '';
      return [statuses, network].filter(Boolean).join(', ');
    })
    .filter(Boolean);
  return parts.length ? parts.join('; ') : 'no answer with an expected status';
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** `gonogo load`, `gonogo merge`, `gonogo k6 export`. */
export const registerLoadCommands: RegisterCommands = (program, cli) => {
  program
    .command('load <url>')
    .description('one ad hoc load run against a single URL (GET, no config file)')
    .addOption(
      new Option('--engine <name>', 'k6, autocannon or auto (k6 when on PATH)')
        .choices(['k6', 'autocannon', 'auto'])
        .default('auto'),
    )
    .option(
      '--vus <n>',
      `virtual users (connections), 1 to ${LOAD_LIMITS.maxVus}`,
      count('--vus', LOAD_LIMITS.maxVus),
      10,
    )
    .option('--duration <d>', 'k6 duration syntax: 30s, 5m; above 0, at most 24h', '10s')
    .option('--source-address <ip>', 'bind the load generator to this local address')
    .option('--insecure', 'do not verify the TLS certificate')
    .option(
      '--out <dir>',
      "keep the engine's raw files (k6 plan and summaries) here; by default they go to a temporary folder that is removed",
    )
    .option('--json', 'print the LoadResult JSON')
    .action(
      async (
        url: string,
        o: {
          engine: EngineChoice;
          vus: number;
          duration: string;
          sourceAddress?: string;
          insecure?: boolean;
          out?: string;
          json?: boolean;
        },
      ) => {
        const problem = targetUrlProblem(url, { page: true });
        if (problem) throw new UsageError(`<url> "${redactUserinfo(url)}": ${problem}`);
        const u = new URL(url);
        parseLoadDuration(o.duration);
        const [{ LoadConfig }, { buildPlan }, { resolveEngine }, { EngineError }, { formatTick }] = await Promise.all([
          import('../load/config.ts'),
          import('../load/plan.ts'),
          import('../load/select.ts'),
          import('../load/engine.ts'),
          import('../load/index.ts'),
        ]);
        const load = LoadConfig.parse({
          thinkTimeS: 0,
          health: { path: null },
          journeys: [
            {
              name: 'get',
              steps: [{ name: 'get', path: `${u.pathname}${u.search}`, expect: [200, 201, 202, 204, 301, 302, 304] }],
            },
          ],
          ...(o.sourceAddress ? { sourceAddress: o.sourceAddress } : {}),
          insecureTls: Boolean(o.insecure),
        });
        const { engine, reason } = await resolveEngine(o.engine);
        // An ad hoc run prints its result; its scratch files never land in the working directory unasked.
        const outDir = o.out ? resolve(o.out) : await mkdtemp(join(tmpdir(), 'gonogo-load-'));
        const plan = buildPlan({ baseUrl: u.origin, load, vus: o.vus, duration: o.duration, kpis: [], outDir });
        if (!o.json) {
          cli.err(`${engine.name} (${reason}): ${o.vus} VUs for ${o.duration} against ${url}`);
          if (cli.isTTY) plan.onTick = (t) => cli.err(formatTick(t));
        }
        try {
          const run = await engine.run(plan);
          cli.out(o.json ? JSON.stringify(run.result, null, 2) : await summaryText(run.result));
          // No request made, or none answered as expected (refused, reset, all 5xx): nothing was shown to work.
          const r = run.result;
          const none =
            r.requests === 0
              ? 'the load run made no request'
              : r.errors >= r.requests
                ? `every one of the ${r.requests} requests failed (${await noAnswerSummary(r)})`
                : null;
          if (none) {
            cli.err(`NO-GO: ${none}`);
            cli.exit(1);
          }
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
          cli.err(`the ${engine.name} run failed: ${e.message}${e.details.stderr ? `\n${e.details.stderr}` : ''}`);
          cli.exit(2);
        } finally {
          if (!o.out) await rm(outDir, { recursive: true, force: true });
        }
      },
    );

  program
    .command('merge <shards...>')
    .description(
      'merge load results of distributed runners exactly (gonogo LoadResult JSON, report.json, or k6 --out json files, .gz too)',
    )
    .requiredOption('--out <file>', 'where to write the merged LoadResult JSON')
    .action(async (shards: string[], o: { out: string }) => {
      const [{ readDistinctShards }, { mergeResults }] = await Promise.all([
        import('../load/merge-inputs.ts'),
        import('../load/merge.ts'),
      ]);
      const parts = await readDistinctShards(shards, o.out);
      if (parts.length === 0) throw new InputError('name at least one shard file');
      const merged = mergeResults(parts);
      await writeAtomic(o.out, `${JSON.stringify(merged, null, 2)}\n`).catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(`--out ${o.out}: cannot write the merged result (${e.code ?? e.message})`);
      });
      cli.out(`${await summaryText(merged)}\nmerged ${parts.length} shard(s) into ${o.out}`);
    });

  const k6 = program.command('k6').description('k6 helpers');
  k6.command('export')
    .description('write k6-operator TestRun and ConfigMap manifests for a cluster run of the configured journeys')
    .requiredOption(
      '--parallelism <n>',
      `number of k6 runners, 1 to ${LOAD_LIMITS.maxParallelism}`,
      count('--parallelism', LOAD_LIMITS.maxParallelism),
    )
    .requiredOption('--out <dir>', 'directory for the manifests')
    .option('--base-url <url>', 'target base URL (default: the config file target)')
    .option('--config <file>', 'gonogo config whose load journeys to export', './gonogo.config.ts')
    .option('--vus <n>', `total virtual users, 1 to ${LOAD_LIMITS.maxVus}`, count('--vus', LOAD_LIMITS.maxVus), 50)
    .option('--duration <d>', 'k6 duration syntax; above 0, at most 24h', '5m')
    .option('--name <name>', 'TestRun name', 'gonogo-load')
    .option('--results-claim <pvc>', 'ReadWriteMany PVC the runners write their outputs to', 'gonogo-results')
    .action(
      async (o: {
        parallelism: number;
        out: string;
        baseUrl?: string;
        config: string;
        vus: number;
        duration: string;
        name: string;
        resultsClaim: string;
      }) => {
        parseLoadDuration(o.duration);
        if (o.parallelism > o.vus)
          throw new UsageError(`--parallelism ${o.parallelism} exceeds --vus ${o.vus}: every runner needs a VU`);
        const [{ buildPlan }, { exportK6Operator }] = await Promise.all([
          import('../load/plan.ts'),
          import('../load/export.ts'),
        ]);
        const { load, baseUrl, kpis } = await loadForExport(o.config, o.baseUrl);
        const plan = buildPlan({ baseUrl, load, vus: o.vus, duration: o.duration, kpis, outDir: o.out });
        const files = await exportK6Operator(plan, {
          parallelism: o.parallelism,
          outDir: o.out,
          name: o.name,
          resultsClaim: o.resultsClaim,
        });
        cli.out(`wrote ${files.map((f) => join(f)).join(', ')}`);
      },
    );
};

/** The config's journeys when a config file exists; otherwise a GET on --base-url. */
async function loadForExport(
  configPath: string,
  baseUrl?: string,
): Promise<{ load: LoadConfig; baseUrl: string; kpis: readonly { kind: string }[] }> {
  const problem = baseUrl === undefined ? null : targetUrlProblem(baseUrl);
  if (problem) throw new UsageError(`--base-url "${redactUserinfo(baseUrl!)}": ${problem}`);
  if (existsSync(configPath)) {
    const [{ loadConfigFile }, { loadKpiFile }] = await Promise.all([
      import('../config/load.ts'),
      import('../config/kpis.ts'),
    ]);
    const c = await loadConfigFile(configPath, process.env, ['load']);
    const kpis = await loadKpiFile(resolve(c.dir, c.config.kpis));
    return { load: c.config.load, baseUrl: baseUrl ?? c.config.target.baseUrl, kpis: kpis.kpis };
  }
  if (!baseUrl) throw new UsageError(`no config at ${configPath}; pass --base-url (and --config for journeys)`);
  const { LoadConfig } = await import('../load/config.ts');
  return { load: LoadConfig.parse({}), baseUrl, kpis: [] };
}
