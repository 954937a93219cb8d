import { test, skip, check } from '../lib/fixtures.ts';

test('[health.routes] every health route answers 200 within the latency budget', async ({ api, plan, rec }) => {
  const { routes = [], latencyBudgetMs, samples } = plan.config.health;
  // Left out only when the check is declared in notApplicable (a run that needs it stops first, smoke/routes.ts).
  skip.notConfigured(routes.length === 0, 'no health routes (smoke.health.routes)');
  // Each route's median of its samples: one answer slowed by a pause on a busy host is not the route's latency.
  const times: number[] = [];
  const bad: string[] = [];
  for (const path of routes) {
    const ms: number[] = [];
    let refused: number | undefined;
    for (let i = 0; i < samples && refused === undefined; i++) {
      const r = await api.send({ method: 'GET', path, identity: 'health-probe' });
      if (r.status === 200) ms.push(r.ms);
      else refused = r.status;
    }
    if (refused !== undefined) {
      bad.push(`${path} answered ${refused}`);
      continue;
    }
    const median = [...ms].sort((a, b) => a - b)[Math.floor((ms.length - 1) / 2)]!;
    times.push(median);
    if (median > latencyBudgetMs)
      bad.push(
        `${path} took ${Math.round(median)} ms (the median of ${ms.map((t) => Math.round(t)).join(', ')} ms; smoke.health.samples)`,
      );
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
      { samples: times.length, note: `each value is a route's median of ${samples} requests` },
    );
  }
  rec.expected = `200 within ${latencyBudgetMs} ms (each route's median of ${samples} requests)`;
  check(bad.length === 0, bad.join('; '));
});
