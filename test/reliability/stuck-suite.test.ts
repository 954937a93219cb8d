import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SUITES } from '../../cli/suites.ts';
import type { Report } from '../../core/report-schema.ts';
import type { SuiteRunner } from '../../config/suite.ts';
import { closedPortProject } from './child.ts';
import { gonogo } from '../helpers/cli.ts';

/**
 * A suite that ignores the stop (a hung engine, a browser that never closes) must not hold the report back: after
 * target.stopGraceS it is abandoned and the run still ends with its report.
 */
describe('a suite that does not stop when the run is stopped', () => {
  const original = SUITES.security;
  afterEach(() => {
    SUITES.security = original;
  });

  const project = (deadlineS: number) =>
    closedPortProject({
      config: `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500, deadlineS: ${deadlineS}, stopGraceS: 1 } };\n`,
    });

  it('is abandoned after target.stopGraceS past the deadline: NO-GO, report written, the reason says so', async () => {
    let told = false;
    const stuck: SuiteRunner = async (ctx) => {
      ctx.signal.addEventListener('abort', () => {
        told = true;
      });
      return new Promise(() => {}); // never settles, whatever the signal says
    };
    SUITES.security = stuck;
    const p = project(1);
    const out = join(p.dir, 'out');
    const started = Date.now();
    const r = await gonogo(['run', '--config', p.config, '--suite', 'security', '--out', out]);
    const tookMs = Date.now() - started;
    expect(r.code, r.err).toBe(1);
    expect(told).toBe(true);
    expect(tookMs).toBeLessThan(15_000);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.run.interrupted).toBe(true);
    expect(report.verdict.decision).toBe('NO-GO');
    expect(report.verdict.reasons.join('\n')).toContain(
      'did not stop within 1s of being told to (target.stopGraceS), and was abandoned',
    );
  }, 30_000);

  it('a suite that finishes before the deadline is never cut short (control)', async () => {
    SUITES.security = async () => ({ checks: [], measurements: [] });
    const p = project(30);
    const out = join(p.dir, 'out');
    const r = await gonogo(['run', '--config', p.config, '--suite', 'security', '--out', out]);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.run.interrupted, r.err).toBeUndefined();
    expect(report.verdict.reasons.join('\n')).not.toContain('abandoned');
  });
});
