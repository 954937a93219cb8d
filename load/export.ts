import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LoadPlan } from './plan.ts';
import { planFile } from './plan.ts';
import { SCENARIO_SCRIPT } from './k6/engine.ts';
import { packageFile } from '../core/files.ts';

const CORE = packageFile('scenarios/journey-core.ts');

/**
 * k6-operator manifests for a cluster run: a ConfigMap with the scenario script and plan, and a
 * TestRun whose N runners each write their k6 JSON output to a shared volume; `gonogo merge`
 * combines those files exactly afterwards.
 */
export async function exportK6Operator(plan: LoadPlan, o: { parallelism: number; outDir: string; name: string; resultsClaim: string }): Promise<string[]> {
  await mkdir(o.outDir, { recursive: true });
  const configMap = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: `${o.name}-scenario` },
    data: {
      'journeys.ts': await readFile(SCENARIO_SCRIPT, 'utf8'),
      'journey-core.ts': await readFile(CORE, 'utf8'),
      'plan.json': `${JSON.stringify(planFile(plan), null, 2)}\n`,
    },
  };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1', kind: 'TestRun',
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
          ...Object.keys(plan.env).map((name) => ({ name, valueFrom: { secretKeyRef: { name: `${o.name}-secrets`, key: name } } })),
        ],
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.resultsClaim } }],
        volumeMounts: [{ name: 'results', mountPath: '/results' }],
      },
    },
  };
  const files = [join(o.outDir, 'configmap.yaml'), join(o.outDir, 'testrun.yaml'), join(o.outDir, 'README.md')];
  await writeFile(files[0]!, stringify(configMap, { lineWidth: 0 }));
  await writeFile(files[1]!, stringify(testRun, { lineWidth: 0 }));
  await writeFile(files[2]!, [
    `# ${o.name}: a ${o.parallelism}-runner k6-operator run`,
    '',
    `1. \`kubectl apply -f configmap.yaml -f testrun.yaml\` (needs the k6-operator and a ReadWriteMany PVC named \`${o.resultsClaim}\`).`,
    ...(Object.keys(plan.env).length ? [`   Secrets the journeys read: create Secret \`${o.name}-secrets\` with keys ${Object.keys(plan.env).join(', ')}.`] : []),
    `2. When the TestRun finishes, copy \`/results/${o.name}-*.json.gz\` off the volume.`,
    `3. \`gonogo merge ${o.name}-*.json.gz --out merged.json\`: histograms add exactly, so the merged p95 is the p95 of every sample.`,
    '',
  ].join('\n'));
  return files;
}
