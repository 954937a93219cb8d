import { test, skip, check } from '../lib/fixtures.ts';

test('[health.routes] every health route answers 200 within the latency budget', async ({ api, plan, rec }) => {
  const { routes = [], latencyBudgetMs } = plan.config.health;
  // Left out only when the check is declared in notApplicable (a run that needs it stops first, smoke/routes.ts).
  skip.notConfigured(routes.length === 0, 'no health routes (smoke.health.routes)');
  const times: number[] = [];
  const bad: string[] = [];
  for (const path of routes) {
    const r = await api.send({ method: 'GET', path, identity: 'health-probe' });
    times.push(r.ms);
    if (r.status !== 200) bad.push(`${path} answered ${r.status}`);
    else if (r.ms > latencyBudgetMs) bad.push(`${path} took ${Math.round(r.ms)} ms`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  if (sorted.length) {
    rec.measure(
      'health_latency_ms',
      {
        avg: times.reduce((a, b) => a + b, 0) / times.length,
        min: sorted[0]!,
        med: q(50),
        max: sorted[sorted.length - 1]!,
        'p(95)': q(95),
      },
      { samples: times.length },
    );
  }
  rec.expected = `200 within ${latencyBudgetMs} ms`;
  check(bad.length === 0, bad.join('; '));
});
