import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../core/threshold.ts';
import { k6OnPath } from '../load/helpers.ts';

const K6 = k6OnPath();
/** k6's exit code for an invalid script option, such as a threshold it cannot parse. */
const K6_INVALID_CONFIG = 104;

/** Expressions on a trend metric; each is judged by the real k6 binary and by gonogo's parser. */
const EXPRESSIONS = [
  'p(95)<200',
  'p(95) < 200',
  ' p(95)<=200.5 ',
  'p(95)===200',
  'avg!=1e3',
  'p(99.9)<2000',
  'avg<.5',
  'avg<5.',
  'avg<+5',
  'p(95)<=-1',
  'med>1',
  'min>=0',
  'max==3',
  'P(95)<200',
  'AVG<500',
  'Avg<500',
  'p( 95 )<200',
  'p(95 )<200',
  'p(95)<<200',
  'p(95)=<200',
  'p(95) = 200',
  'p(95)<200ms',
  'p(95)<0x10',
  'p95<200',
  'p(95)',
  'avg<5 5',
  'p()<3',
  'mean<5',
  '',
  'avg>',
  '<5',
];
/** Forms k6 takes although they mean nothing for a KPI; gonogo refuses them on purpose (README, kpis.yaml). */
const STRICTER = new Set(['p<200', 'p(101)<3', 'p(-1)<3', 'avg<NaN', 'p(95)<Infinity', 'p(95)<1_000']);

async function k6Accepts(dir: string, expr: string): Promise<boolean> {
  const script = join(dir, 's.js');
  writeFileSync(
    script,
    `export const options = { iterations: 1, vus: 1, thresholds: { iteration_duration: [${JSON.stringify(expr)}] } };\nexport default function () {}\n`,
  );
  const r = await execa(K6!, ['run', '--quiet', '--no-summary', '--no-usage-report', script], {
    reject: false,
    timeout: 30_000,
    env: { K6_NO_USAGE_REPORT: 'true' },
  });
  return r.exitCode !== K6_INVALID_CONFIG;
}

function gonogoAccepts(expr: string): boolean {
  try {
    parseThreshold(expr);
    return true;
  } catch {
    return false;
  }
}

/** One expression drives k6's thresholds and gonogo's verdict: gonogo must accept what k6 accepts, and nothing k6 refuses. */
describe.skipIf(!K6)('the threshold grammar agrees with the real k6 binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-k6-grammar-'));
  it.each(EXPRESSIONS)('%j', async (expr) => {
    expect(gonogoAccepts(expr), `gonogo vs k6 on ${JSON.stringify(expr)}`).toBe(await k6Accepts(dir, expr));
  });
  it.each([...STRICTER])('%j: k6 takes it, gonogo refuses it on purpose', async (expr) => {
    expect(await k6Accepts(dir, expr)).toBe(true);
    expect(gonogoAccepts(expr)).toBe(false);
  });
});
