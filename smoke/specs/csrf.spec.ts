import { test, check, control, requireControl } from '../lib/fixtures.ts';
import { userSession } from '../lib/auth.ts';
import { bent, requireCsrfMapping, ridden, sendControl } from '../lib/csrf-probe.ts';
import { skip } from '../lib/outcome.ts';
import type { Api } from '../lib/http.ts';
import type { Session } from '../../core/signin/http.ts';
import type { SmokePlan } from '../lib/plan.ts';

/** One account of the suite's own for the three checks; each check logs it in afresh (its probes may end a session). */
const TAG = 'csrf';

async function freshSessions(api: Api, plan: SmokePlan, n: number): Promise<Session[]> {
  return requireControl("fresh sessions of the suite's own account", async () => {
    const out: Session[] = [];
    for (let i = 0; i < n; i++) {
      const { session } = await userSession(api, plan, TAG, true);
      control(session.csrf, 'login handed out no CSRF token for the session (smoke.login.csrf.sources)');
      out.push(session);
    }
    return out;
  });
}

/** Fresh sessions of a platform whose header token comes with a login cookie that authenticates alone. */
async function headerSessions(api: Api, plan: SmokePlan, n: number): Promise<Session[]> {
  return requireControl("fresh sessions of the suite's own account", async () => {
    const out: Session[] = [];
    for (let i = 0; i < n; i++) out.push((await userSession(api, plan, TAG, true)).session);
    return out;
  });
}

test('[csrf.token-required] a state-changing request without the CSRF token is refused', async ({ api, plan, rec }) => {
  const riding = await requireCsrfMapping(api, plan);
  if (riding) {
    // No CSRF token at all: the cookie alone, without an Origin (a form the platform cannot attribute), must be refused.
    const [own, victim] = await headerSessions(api, plan, 2);
    await sendControl(api, plan, own!);
    rec.expected = 'a refusal (smoke.refusal.statuses), the session still working after it';
    const wrong = await ridden(api, plan, victim!, riding, `with only the login cookies ${riding.names.join(', ')}`);
    check(!wrong, wrong ?? '');
    return;
  }
  const [own, victim] = await freshSessions(api, plan, 2);
  await sendControl(api, plan, own!);
  rec.expected = `one of ${plan.config.login.csrf!.refusedStatuses.join(', ')}, the session still working after it`;
  const wrong = await bent(api, plan, victim!, "with the session's cookies but no CSRF token", { csrf: false });
  check(!wrong, wrong ?? '');
});

test('[csrf.token-bound] a CSRF token of another session is refused', async ({ api, plan, rec }) => {
  const riding = await requireCsrfMapping(api, plan);
  skip.notApplicable(
    riding,
    `login's cookies (${riding?.names.join(', ')}) authenticate alone and the platform hands out no CSRF token to bind: csrf.token-required and csrf.origin-checked judge them`,
  );
  const [other, victim] = await freshSessions(api, plan, 2);
  control(
    other!.csrf!.token !== victim!.csrf!.token,
    "two sessions of the account got the same CSRF token: another session's token cannot be told from the session's own",
  );
  rec.expected = `one of ${plan.config.login.csrf!.refusedStatuses.join(', ')}, the session still working after it`;
  // The other session stays alive while its token is tried: a platform may accept only live sessions' tokens.
  const wrong = await bent(api, plan, victim!, "with the session's cookies and another live session's CSRF token", {
    csrf: other!.csrf!.token,
  });
  await sendControl(api, plan, other!);
  check(!wrong, wrong ?? '');
});

test('[csrf.origin-checked] a state-changing request from a foreign Origin or Referer is refused', async ({
  api,
  plan,
  rec,
}) => {
  const riding = await requireCsrfMapping(api, plan);
  const foreign = plan.config.cors.foreignOrigin;
  if (riding) {
    const [own, victim] = await headerSessions(api, plan, 2);
    await sendControl(api, plan, own!);
    rec.expected = `refused from ${foreign} as Origin, the session still working after it`;
    const wrong = await ridden(api, plan, victim!, riding, `with only the login cookies from Origin ${foreign}`, {
      origin: foreign,
    });
    check(!wrong, wrong ?? '');
    return;
  }
  const [own, victim] = await freshSessions(api, plan, 2);
  await sendControl(api, plan, own!);
  rec.expected = `refused from ${foreign} as Origin, and as Referer without an Origin`;
  const byOrigin = await bent(api, plan, victim!, `with the right token from Origin ${foreign}`, {
    headers: { origin: foreign },
  });
  check(!byOrigin, byOrigin ?? '');
  const byReferer = await bent(api, plan, victim!, `with the right token, no Origin and Referer ${foreign}/`, {
    headers: { origin: '', referer: `${foreign}/` },
  });
  check(!byReferer, byReferer ?? '');
});
