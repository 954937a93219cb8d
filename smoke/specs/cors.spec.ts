import { test, check, control, requireControl } from '../lib/fixtures.ts';
import { MAIN_USER, roleSession, userSession } from '../lib/auth.ts';
import type { Res } from '../../core/signin/http.ts';
import { routePath } from '../routes.ts';

async function probe(
  api: import('../lib/http.ts').Api,
  plan: import('../lib/plan.ts').SmokePlan,
): Promise<Array<{ path: string; kind: string; res: Res }>> {
  const origin = plan.config.cors.foreignOrigin;
  const session = plan.config.accounts.length
    ? await requireControl('login', () => roleSession(api, plan, plan.config.accounts[0]!.role))
    : (await requireControl('login', () => userSession(api, plan, MAIN_USER))).session;
  const out: Array<{ path: string; kind: string; res: Res }> = [];
  for (const path of plan.config.cors.paths ?? [routePath(plan.config.me.path, 'smoke.me.path')]) {
    const res = await api.send({ method: 'GET', path, session, headers: { origin } });
    // Many proxies add CORS headers to successful answers only: an error answer's headers prove nothing.
    control(
      res.status >= 200 && res.status < 300,
      `GET ${path} with a session answered ${res.status}; a CORS probe needs a route that answers it (smoke.cors.paths)`,
    );
    out.push({ path, kind: 'request', res });
    out.push({
      path,
      kind: 'preflight',
      res: await api.send({
        method: 'OPTIONS',
        path,
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      }),
    });
  }
  return out;
}

test('[cors.foreign-origin] a foreign Origin is not reflected', async ({ api, plan, rec }) => {
  const origin = plan.config.cors.foreignOrigin;
  const reflected = (await probe(api, plan))
    .filter((p) => p.res.headers['access-control-allow-origin'] === origin)
    .map((p) => `${p.kind} ${p.path}`);
  rec.expected = `Access-Control-Allow-Origin never ${origin}`;
  check(reflected.length === 0, `the foreign origin is allowed on ${reflected.join(', ')}`);
});

test('[cors.credentials-wildcard] never * together with credentials', async ({ api, plan, rec }) => {
  const bad = (await probe(api, plan))
    .filter(
      (p) =>
        p.res.headers['access-control-allow-origin']?.trim() === '*' &&
        p.res.headers['access-control-allow-credentials']?.trim().toLowerCase() === 'true',
    )
    .map((p) => `${p.kind} ${p.path}`);
  rec.expected = 'no Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true';
  check(bad.length === 0, `wildcard origin with credentials on ${bad.join(', ')}`);
});
