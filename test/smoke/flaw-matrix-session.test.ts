import { describe, expect, it } from 'vitest';
import { FLAWS } from '../../reference-app/flaws.ts';
import { AREA_SUITE, CATALOGUE, areaOf } from '../../core/catalogue.ts';
import { smokeAgainstDialect } from './harness.ts';
import { smokeIds } from './matrix.ts';

/**
 * The session dialect (Django session auth with CSRF) through examples/session/gonogo.config.ts: clean, every smoke
 * check passes with its control; each of its own flaws fails exactly its declared checks. Three runs side by side,
 * each flaw group's declared checks disjoint; the bearer dialects' flaws are the other matrices' (the same protections).
 */
const RUNS: string[][] = [
  [],
  ['csrf-not-enforced', 'session-cookie-no-samesite'],
  ['csrf-token-unbound', 'csrf-origin-unchecked'],
];
/** Skips that are the platform's own: declared in the example config's notApplicable, or no document served. */
const NOT_APPLICABLE = new Set(['auth.refresh-rotation', 'auth.openapi-sweep']);
const SMOKE_CATALOGUE = Object.keys(CATALOGUE).filter((id) => AREA_SUITE[areaOf(id)] === 'smoke');
const TIMEOUT = 300_000;

describe.concurrent('smoke against the session dialect', () => {
  it('runs every flaw of the dialect once', () => {
    expect(RUNS.flat().sort()).toEqual(
      FLAWS.filter((f) => f.dialects?.includes('session'))
        .map((f) => f.name)
        .sort(),
    );
  });

  for (const flaws of RUNS) {
    it(
      flaws.length
        ? `with ${flaws.join(', ')} on, exactly the declared checks fail`
        : 'passes every smoke check with no flaw on',
      async () => {
        const out = await smokeAgainstDialect('session', flaws);
        const declared = new Set(flaws.flatMap((name) => smokeIds(FLAWS.find((f) => f.name === name)!.mustFail)));
        const wrong = out.checks.filter((c) =>
          declared.has(c.id)
            ? c.status !== 'fail'
            : c.status !== 'pass' && !(c.status === 'skip' && NOT_APPLICABLE.has(c.id)),
        );
        expect(wrong.map((c) => `${c.id}: ${c.status} ${c.evidence.message ?? ''}`)).toEqual([]);
        expect(out.checks.map((c) => c.id)).toEqual(expect.arrayContaining(SMOKE_CATALOGUE));
      },
      TIMEOUT,
    );
  }
});
