import { describe, expect, it } from 'vitest';
import { FLAWS } from '../../reference-app/flaws.ts';
import { CATALOGUE, AREA_SUITE, areaOf } from '../../core/catalogue.ts';
import { smokeAgainstDialect, smokeAgainstReference } from './harness.ts';
import { FLAW_GROUPS, matrixRuns, probesOff, smokeFlaws, smokeIds } from './matrix.ts';
import type { Config } from '../../config/schema.ts';
import { slots } from '../helpers/slots.ts';

// The limit probes wait out two announced Retry-After windows (the harness's short windows, overlapped where keys allow).
const RUN_TIMEOUT = 330_000;
/**
 * Runs of one dialect side by side: each has its own platform, mail sink and ports, and most of a run is waiting
 * (Retry-After, mail, the limits phase's turns), so three fit on two cores. Four were tried: no faster on a clean
 * clone (another matrix file shares the cores), and a token bucket's burst then ran too slow to empty it (fastapi's
 * forwarded-for control). A run's timeout covers its wait for a slot.
 */
const CONCURRENT_RUNS = 3;
const SMOKE_CATALOGUE = Object.keys(CATALOGUE).filter((id) => AREA_SUITE[areaOf(id)] === 'smoke');
/** Checks that cannot run against the reference app as gonogo maps it, with the reason. */
const NOT_APPLICABLE: Record<string, string> = {
  'auth.openapi-sweep': 'the reference app publishes no OpenAPI document unless docs-exposed is on',
  // The session dialect's own matrix runs them (flaw-matrix-session.test.ts).
  ...Object.fromEntries(
    ['csrf.token-required', 'csrf.token-bound', 'csrf.origin-checked'].map((id) => [
      id,
      'these dialects send a bearer token, which CSRF cannot ride',
    ]),
  ),
};

/**
 * The matrix for one dialect of the reference platform: the marketplace through its built-in mapping, the others
 * only through their example configs (examples/<dialect>/gonogo.config.ts).
 */
export function flawMatrix(dialect: string): void {
  const slot = slots(CONCURRENT_RUNS);
  // A run without an input flaw leaves the input probes off: they cost time and have nothing of theirs to find there.
  const edit = (flaws: string[]) =>
    probesOff(flaws)
      ? {
          edit: (c: Config): Config => ({
            ...c,
            smoke: { ...c.smoke, inputProbes: { ...c.smoke.inputProbes, enabled: false } },
          }),
        }
      : {};
  const run = (flaws: string[]) =>
    slot(() =>
      dialect === 'marketplace'
        ? smokeAgainstReference(flaws, edit(flaws))
        : smokeAgainstDialect(dialect, flaws, edit(flaws)),
    );
  const SMOKE_FLAWS = smokeFlaws(dialect);
  const timeout = RUN_TIMEOUT * Math.ceil((matrixRuns(dialect).length + 1) / CONCURRENT_RUNS);
  describe.concurrent(`smoke flaw matrix against the reference app (${dialect})`, () => {
    it('runs every smoke-area flaw exactly once, and the groups name only smoke-area flaws', () => {
      const grouped = FLAW_GROUPS.flat();
      expect(grouped.filter((n) => !smokeFlaws('marketplace').some((f) => f.name === n))).toEqual([]);
      const runs = matrixRuns(dialect).flat();
      expect(new Set(runs).size).toBe(runs.length);
      expect([...runs].sort()).toEqual(SMOKE_FLAWS.map((f) => f.name).sort());
    });

    it(
      'passes every smoke check with no flaw on',
      async () => {
        const out = await run([]);
        const notPassing = out.checks.filter(
          (c) => c.status !== 'pass' && !(c.status === 'skip' && NOT_APPLICABLE[c.id]),
        );
        expect(notPassing.map((c) => `${c.id}: ${c.status} ${c.evidence.message ?? ''}`)).toEqual([]);
        expect(out.checks.map((c) => c.id).sort()).toEqual(
          expect.arrayContaining(SMOKE_CATALOGUE.filter((id) => !NOT_APPLICABLE[id])),
        );
        const metrics = out.measurements.map((m) => m.metric).sort();
        expect(metrics).toEqual([
          'auth_access_token_lifetime_s',
          'auth_lockout_attempts',
          'auth_password_min_length',
          'email_delivery_s',
          'health_latency_ms',
          'ratelimit_api_limit',
          'ratelimit_login_limit',
        ]);
      },
      timeout,
    );

    for (const group of matrixRuns(dialect)) {
      it(
        `with ${group.join(', ')} on, exactly the declared checks fail`,
        async () => {
          const out = await run(group);
          const declared = new Set(group.flatMap((name) => smokeIds(FLAWS.find((f) => f.name === name)!.mustFail)));
          // Checks whose positive control a flaw removes (its mustError): they must end `error`, never pass.
          const lost = new Set(group.flatMap((name) => smokeIds(FLAWS.find((f) => f.name === name)!.mustError ?? [])));
          const failed = out.checks.filter((c) => c.status === 'fail');
          // An undeclared failure is shown with its reason, a missing one with its status.
          expect(failed.filter((c) => !declared.has(c.id)).map((c) => `${c.id}: ${c.evidence.message ?? ''}`)).toEqual(
            [],
          );
          expect(failed.map((c) => c.id).sort()).toEqual([...declared].sort());
          const unexpected = out.checks.filter(
            (c) =>
              !declared.has(c.id) &&
              c.status !== 'pass' &&
              !(c.status === 'skip' && NOT_APPLICABLE[c.id]) &&
              !(c.status === 'skip' && probesOff(group) && areaOf(c.id) === 'input') &&
              !(c.status === 'error' && lost.has(c.id)),
          );
          expect(unexpected.map((c) => `${c.id}: ${c.status} ${c.evidence.message ?? ''}`)).toEqual([]);
          expect(
            out.checks.filter((c) => lost.has(c.id) && c.status !== 'error').map((c) => `${c.id}: ${c.status}`),
          ).toEqual([]);
          // Every declared failure is a blocker or carries its own warn level from the catalogue.
          for (const id of declared)
            expect(out.checks.find((c) => c.id === id)!.level).toBe(CATALOGUE[id as keyof typeof CATALOGUE].level);
        },
        timeout,
      );
    }
  });
}
