import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type APIRequestContext } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmokeConfig } from '../../smoke/config.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { Api } from '../../smoke/lib/http.ts';
import { Recorder } from '../../smoke/lib/evidence.ts';
import { useVerification } from '../../smoke/lib/auth.ts';
import { findVerification, waitForVerificationMail } from '../../core/signin/mail.ts';
import { randomTokenLike } from '../../smoke/lib/mail.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { smokeBudget } from '../../smoke/lib/budget.ts';

const DASHES = '-'.repeat(79);

/** What a Django platform's filebased backend writes for a code-only verification mail. */
const djangoMail = (to: string, code: string) =>
  [
    'Content-Type: text/plain; charset="utf-8"',
    'MIME-Version: 1.0',
    'Content-Transfer-Encoding: 7bit',
    'Subject: Confirm your address',
    'From: webmaster@platform.local',
    `To: ${to}`,
    `Date: ${new Date().toUTCString()}`,
    'Message-ID: <1@platform.local>',
    '',
    `Your code is ${code}`,
    'It expires in 10 minutes.',
    DASHES,
    '',
  ].join('\n');

describe('a numeric code in the mail, captured by verifyEmail.tokenPattern and posted with mode post', () => {
  let dir: string;
  let server: Server;
  let ctx: APIRequestContext;
  let plan: SmokePlan;
  const codes = new Map<string, string>();
  const posted: unknown[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gonogo-code-'));
    // The platform: registration writes the mail to the folder; POST /accounts/confirm takes { otp } once.
    server = createServer((req, res) => {
      let body = '';
      req
        .on('data', (c) => {
          body += c;
        })
        .on('end', () => {
          const json = body ? (JSON.parse(body) as { otp?: string }) : {};
          posted.push(json);
          const email = json.otp ? codes.get(json.otp) : undefined;
          if (req.url !== '/accounts/confirm' || !email)
            return res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid code"}');
          codes.delete(json.otp!);
          return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ verified: email }));
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const kpis = parseKpiText(
      await readFile(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
      'kpis.yaml',
    );
    const config = SmokeConfig.parse({
      verifyEmail: {
        mode: 'post',
        path: '/accounts/confirm',
        tokenField: 'otp',
        tokenPattern: 'code is (\\d{6})',
        timeoutMs: 3000,
      },
    });
    plan = {
      baseUrl,
      allowedHosts: [new URL(baseUrl).host],
      timeoutMs: 5000,
      params: kpis.params,
      mailbox: { kind: 'eml-dir', path: dir },
      config,
      stateDir: join(dir, 'state'),
      runTag: 'test',
      workers: 1,
      budget: smokeBudget(config, kpis.params),
    };
    ctx = await request.newContext();
  });
  afterAll(async () => {
    await ctx?.dispose();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the code from the mail and posts it as the configured field; the platform takes it once', async () => {
    const since = Date.now() - 1000;
    codes.set('482913', 'olga@customers.local');
    await writeFile(join(dir, '20261202-101010-1.log'), djangoMail('olga@customers.local', '482913'));
    const mail = await waitForVerificationMail(plan, 'olga@customers.local', since);
    const v = findVerification(plan, mail);
    expect(v).toEqual({ token: '482913' });
    const api = new Api(ctx, plan, new Recorder());
    const first = await useVerification(api, plan, v);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ verified: 'olga@customers.local' });
    expect(posted.at(-1)).toEqual({ otp: '482913' });
    expect((await useVerification(api, plan, v)).status).toBe(400);
  });

  it('says the pattern found nothing when the mail has no code', async () => {
    await writeFile(
      join(dir, '20261202-101011-2.log'),
      djangoMail('pia@customers.local', 'coming soon').replace('Your code is coming soon', 'Welcome!'),
    );
    const mail = await waitForVerificationMail(plan, 'pia@customers.local', Date.now() - 1000);
    const v = findVerification(plan, mail);
    expect(v).toEqual({});
    await expect(useVerification(new Api(ctx, plan, new Recorder()), plan, v)).rejects.toThrow(
      'no verification token found in the mail (verifyEmail.tokenPattern)',
    );
  });

  it('probes a numeric code with a random code of the same length, anything else with a random base64url token', () => {
    const probe = randomTokenLike('482913');
    expect(probe).toMatch(/^\d{6}$/);
    expect(probe).not.toBe('482913');
    expect(randomTokenLike('0a1b2c-token')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(randomTokenLike(undefined)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
