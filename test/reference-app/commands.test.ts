import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { FLAWS } from '../../reference-app/flaws.ts';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (s) => {
      out += s.endsWith('\n') ? s : `${s}\n`;
    },
    err: (s) => {
      err += s;
    },
    isTTY: false,
  });
  return { code, out, err };
}

describe('gonogo reference', () => {
  it('--list-flaws --json prints every flaw with the checks it must fail', async () => {
    const r = await run(['reference', '--list-flaws', '--json']);
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.out) as Array<{ name: string; description: string; mustFail: string[] }>;
    expect(listed.map((f) => f.name)).toEqual(FLAWS.map((f) => f.name));
    expect(listed.find((f) => f.name === 'no-rate-limit')).toEqual({
      name: 'no-rate-limit',
      description: expect.any(String),
      mustFail: ['ratelimit.api'],
      mustFailKpis: ['ratelimit.api'],
      mustError: ['ratelimit.forwarded-for'],
    });
    expect(listed.find((f) => f.name === 'weak-jwt-secret')?.mustFail).toEqual(['auth.weak-secret']);
  });

  it('--list-flaws prints a readable table', async () => {
    const r = await run(['reference', '--list-flaws']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^alg-none\s+Access tokens with alg "none"/m);
    expect(r.out).toMatch(/must fail: tls\.certificate-expiry, KPI tls\.certificate/);
  });

  it('an unknown flaw exits 2 and lists the known ones', async () => {
    const r = await run(['reference', '--flaws', 'alg-none,bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown flaw "bogus"; known flaws: .*alg-none/);
  });
});
