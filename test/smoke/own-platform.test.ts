import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { startShop, type Shop } from '../fixtures/platforms/shop.ts';
import { findMailpit, startMailpit, type Mailpit } from '../core/mail/mailpit-process.ts';
import { gonogoChild } from '../reliability/child.ts';

const CONFIG = new URL('../fixtures/platforms/shop.config.ts', import.meta.url).pathname;
const bin = findMailpit();
const inCi = process.env.CI === 'true';
// The shop's throttles count over 10 s instead of a minute, and its config says so: the limit probes wait seconds, not a minute.
const PERIOD_S = 10;

/**
 * A platform that no dialect of the reference platform is (a Rails-style shop, test/fixtures/platforms/shop.ts),
 * with a config written from the documentation alone, run through the real CLI: the clean platform is GO.
 */
describe.skipIf(!bin && !inCi)(
  `gonogo on a platform it was not built with${bin || inCi ? '' : ' (skipped: mailpit not installed)'}`,
  () => {
    let mailpit: Mailpit;
    let shop: Shop;
    let out: string;
    let run: Awaited<ReturnType<typeof gonogoChild>>;
    let report: {
      verdict: { decision: string; complete: boolean; reasons: string[] };
      checks: Array<{ id: string; status: string; evidence: { message?: string }; skip?: { kind: string } }>;
    };

    beforeAll(async () => {
      if (!bin) throw new Error('mailpit is not installed but CI=true: .ci/run installs it');
      mailpit = await startMailpit(bin);
      shop = await startShop({ smtp: mailpit.smtp, periodS: PERIOD_S });
      out = await mkdtemp(join(tmpdir(), 'gonogo-shop-'));
      run = await gonogoChild(['run', '--config', CONFIG, '--suite', 'smoke', '--out', out], {
        timeoutMs: 400_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          SHOP_URL: shop.url,
          SHOP_LIMIT_WINDOW_S: String(PERIOD_S),
          SHOP_KPIS: DEFAULT_KPI_FILE,
          SHOP_MAILPIT: mailpit.url,
          SHOP_MERCHANT_ID: String(shop.merchant.id),
          SHOP_WEBHOOK_SECRET: shop.webhookSecret,
          SHOP_MERCHANT_PASSWORD: shop.merchant.password,
          SHOP_ADMIN_PASSWORD: shop.admin.password,
        },
      });
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as typeof report;
    }, 420_000);

    afterAll(async () => {
      await shop?.close();
      await mailpit?.stop();
    });

    it('is GO, every check it can make passes, and exit code 0', () => {
      const notPassing = report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip');
      expect(notPassing.map((c) => `${c.id}: ${c.status} ${c.evidence.message ?? ''}`)).toEqual([]);
      expect(report.verdict.decision).toBe('GO');
      expect(run.code).toBe(0);
    });

    it('skips only what this platform does not have, each with its reason', () => {
      const skipped = Object.fromEntries(
        report.checks.filter((c) => c.status === 'skip').map((c) => [c.id, c.evidence.message ?? '']),
      );
      expect(Object.keys(skipped).sort()).toEqual([
        'auth.authz-matrix',
        'auth.expired-rejected',
        'auth.openapi-sweep',
        'auth.refresh-rotation',
        'browser.cookies',
        'browser.login-flow',
        'browser.login-page',
        'csrf.origin-checked',
        'csrf.token-bound',
        'csrf.token-required',
        'input.nosql-injection',
        'input.path-traversal',
        'input.schema-invalid',
        'input.sql-injection',
        'input.template-injection',
      ]);
      expect(skipped['browser.login-page']).toContain('disabled in config');
      // What the config declares the shop does not have is not applicable; the one check it could run with its signing secret is a gap.
      const kinds = Object.fromEntries(
        report.checks.filter((c) => c.status === 'skip').map((c) => [c.id, c.skip?.kind]),
      );
      expect(kinds).toEqual({
        'auth.authz-matrix': 'not-applicable',
        'auth.expired-rejected': 'not-configured',
        'auth.openapi-sweep': 'not-applicable',
        'auth.refresh-rotation': 'not-applicable',
        'browser.cookies': 'not-applicable',
        'browser.login-flow': 'not-applicable',
        'browser.login-page': 'not-applicable',
        // Devise-JWT's token travels in the Authorization header: nothing for a forged cross-site request to ride.
        'csrf.origin-checked': 'not-applicable',
        'csrf.token-bound': 'not-applicable',
        'csrf.token-required': 'not-applicable',
        'input.nosql-injection': 'not-applicable',
        'input.path-traversal': 'not-applicable',
        'input.schema-invalid': 'not-applicable',
        'input.sql-injection': 'not-applicable',
        'input.template-injection': 'not-applicable',
      });
      expect(report.verdict.reasons).toContain('skipped blockers (not configured): auth.expired-rejected');
      // A skipped blocker that is not merely inapplicable, and the unselected suites, keep the report incomplete.
      expect(report.verdict.complete).toBe(false);
    });

    it('proved the payment flow of this platform, not a default one', () => {
      const passed = new Set(report.checks.filter((c) => c.status === 'pass').map((c) => c.id));
      for (const id of [
        'escrow.happy-path',
        'escrow.steps-other-user',
        'escrow.release-needs-approval',
        'escrow.webhook-bad-signature',
        'email.link-verifies',
        'auth.lockout',
        'ratelimit.api',
      ])
        expect(passed).toContain(id);
    });
  },
);
