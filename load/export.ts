import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LoadPlan } from './plan.ts';
import { planFile } from './plan.ts';
import { SCENARIO_SCRIPT } from './k6/engine.ts';
import { ACCOUNTS_ENV } from '../scenarios/journey-core.ts';
import { packageFile } from '../core/files.ts';

const CORE = packageFile('scenarios/journey-core.ts');
const SESSION = packageFile('scenarios/session-core.ts');

/** Same pattern as renderString in scenarios/journey-core.ts: the names the journeys read as {{env.NAME}}. */
const ENV_TEMPLATE = /\{\{\s*env\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * The environment variables the runners need from a Secret: every {{env.NAME}} the journeys use, and the account pool
 * when the plan has one. Their values never enter a manifest: each is a secretKeyRef, so a missing key stops the
 * runner pod before it starts (CreateContainerConfigError) instead of sending the template text.
 */
export function secretEnvNames(plan: LoadPlan): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(plan.journeys).matchAll(ENV_TEMPLATE)) names.add(m[1]!);
  for (const name of Object.keys(plan.env)) names.add(name);
  if (plan.accounts.length > 0 || plan.journeys.some((j) => JSON.stringify(j).includes('{{account.')))
    names.add(ACCOUNTS_ENV);
  return [...names].sort();
}

/**
 * k6-operator manifests for a cluster run: a ConfigMap with the scenario script and plan, and a
 * TestRun whose N runners each write their k6 JSON output to a shared volume; `gonogo merge`
 * combines those files exactly afterwards.
 */
export async function exportK6Operator(
  plan: LoadPlan,
  o: { parallelism: number; outDir: string; name: string; resultsClaim: string },
): Promise<string[]> {
  const secret = `${o.name}-secrets`;
  const secretNames = secretEnvNames(plan);
  await mkdir(o.outDir, { recursive: true });
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${o.name}-scenario` },
    data: {
      'journeys.ts': await readFile(SCENARIO_SCRIPT, 'utf8'),
      'journey-core.ts': await readFile(CORE, 'utf8'),
      'session-core.ts': await readFile(SESSION, 'utf8'),
      'plan.json': `${JSON.stringify(planFile(plan), null, 2)}\n`,
    },
  };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: o.name },
    spec: {
      parallelism: o.parallelism,
      script: { configMap: { name: `${o.name}-scenario`, file: 'journeys.ts' } },
      // Each runner names its file by pod; k6-operator sets the execution segment of each runner itself.
      arguments: `--no-usage-report --new-machine-readable-summary --out json=/results/${o.name}-$(POD_NAME).json.gz`,
      runner: {
        env: [
          { name: 'GONOGO_PLAN', value: '/test/plan.json' },
          { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ...secretNames.map((name) => ({ name, valueFrom: { secretKeyRef: { name: secret, key: name } } })),
        ],
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.resultsClaim } }],
        volumeMounts: [{ name: 'results', mountPath: '/results' }],
      },
    },
  };
  const files = [join(o.outDir, 'configmap.yaml'), join(o.outDir, 'testrun.yaml'), join(o.outDir, 'README.md')];
  await writeFile(files[0]!, stringify(configMap, { lineWidth: 0 }));
  await writeFile(files[1]!, stringify(testRun, { lineWidth: 0 }));
  const secretLines = secretNames.length
    ? [
        `   The journeys read ${secretNames.map((n) => `\`${n}\``).join(', ')} from the environment; the runners take each from Secret \`${secret}\``,
        '   (a `secretKeyRef`: the manifests never hold a value, and a runner whose key is missing does not start):',
        '',
        '   ```sh',
        `   kubectl create secret generic ${secret} \\`,
        ...secretNames.map((n, i) => `     --from-literal=${n}="$${n}"${i < secretNames.length - 1 ? ' \\' : ''}`),
        '   ```',
        ...(secretNames.includes(ACCOUNTS_ENV)
          ? [
              '',
              `   \`${ACCOUNTS_ENV}\` is the load account pool as JSON, \`[{"email":"...","password":"..."}]\` (VU i logs in as account i mod its size).`,
            ]
          : []),
        '',
      ]
    : [];
  await writeFile(
    files[2]!,
    [
      `# ${o.name}: a ${o.parallelism}-runner k6-operator run`,
      '',
      `1. Needs the k6-operator in the cluster and a ReadWriteMany PersistentVolumeClaim named \`${o.resultsClaim}\` (the runners write their outputs there).`,
      ...(secretLines.length ? ['', ...secretLines.map((l) => l)] : ['']),
      `2. \`kubectl apply -f configmap.yaml -f testrun.yaml\`. k6-operator gives each runner its execution segment; each runner writes`,
      `   every sample it measured to \`/results/${o.name}-<pod name>.json.gz\` on the claim (k6's \`--out json\`, gzip-compressed).`,
      '3. When the TestRun reaches stage `finished`, copy the shard outputs off the claim, e.g. through a pod that mounts it:',
      '',
      '   ```sh',
      `   kubectl run ${o.name}-fetch --image=busybox --restart=Never --overrides='{"spec":{"volumes":[{"name":"r","persistentVolumeClaim":{"claimName":"${o.resultsClaim}"}}],"containers":[{"name":"f","image":"busybox","command":["sleep","600"],"volumeMounts":[{"name":"r","mountPath":"/results"}]}]}}'`,
      `   kubectl wait --for=condition=Ready pod/${o.name}-fetch`,
      `   mkdir -p shards && for f in $(kubectl exec ${o.name}-fetch -- sh -c 'ls /results/${o.name}-*.json.gz'); do kubectl cp "${o.name}-fetch:$f" "shards/$(basename "$f")"; done`,
      `   kubectl delete pod ${o.name}-fetch`,
      '   ```',
      '',
      `   A claim backed by an object store (a CSI driver for S3 or GCS) works the same way: the files are under \`${o.name}-*.json.gz\` in its bucket.`,
      `4. \`gonogo merge shards/${o.name}-*.json.gz --out merged.json\`: histograms add exactly, so the merged p95 is the p95 of every sample.`,
      `5. \`gonogo run --from-merged merged.json --suite load --vus ${plan.vus} --duration ${plan.duration}\` (add \`--suite smoke,security,load\` to run the other suites`,
      '   from this machine): a normal report, judged against the KPI file, that `gonogo compare` and `gonogo trend` take like any other.',
      '   Give it the same `--vus` and `--duration` as this export so `compare` sees the same load profile.',
      '',
    ].join('\n'),
  );
  return files;
}
