import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UsageError } from '../../core/errors.ts';
import { CATALOGUE } from '../../core/catalogue.ts';
import { FLAWS, parseFlaws } from '../../reference-app/flaws.ts';
import { startReference } from '../../reference-app/index.ts';
import { startMailSink } from '../../core/mail/sink.ts';
import { Harness } from './support.ts';

function connectable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('reference platform lifecycle', () => {
  it('stop() closes both ports, the mail sink ports and removes its temp dir', async () => {
    const h = await Harness.start();
    const { port, httpPort, caFile } = h.info;
    const smtpPort = h.sink.smtp.port;
    const apiPort = Number(new URL(h.sink.apiUrl).port);
    expect((await h.call('GET', '/health')).status).toBe(200);
    for (const p of [port, httpPort, smtpPort, apiPort]) expect(await connectable(p)).toBe(true);
    expect(existsSync(caFile)).toBe(true);
    await h.stop();
    for (const p of [port, httpPort, smtpPort, apiPort]) expect(await connectable(p)).toBe(false);
    expect(existsSync(dirname(caFile))).toBe(false);
  });

  it('describes itself: URLs, CA, seeded accounts, lockfile and OSV directory', async () => {
    const h = await Harness.start();
    try {
      const i = h.info;
      expect(i.baseUrl).toBe(`https://127.0.0.1:${i.port}`);
      expect(i.httpUrl).toBe(`http://127.0.0.1:${i.httpPort}`);
      expect(readFileSync(i.caFile, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(i.accounts.map((a) => a.role).sort()).toEqual(['admin', 'client', 'client', 'manufacturer']);
      expect(i.unlimitedAddresses).toEqual(['127.0.0.2']);
      expect(i.lockfile).toMatch(/fixtures\/clean\/package-lock\.json$/);
      expect(i.osvDb).toMatch(/security\/deps\/osv-demo$/);
      expect(i.flaws).toEqual([]);
      const redirect = await h.plain('/health?probe=1');
      expect(redirect.status).toBe(301);
      expect(redirect.headers.location).toBe(`${i.baseUrl}/health?probe=1`);
      for (const a of i.accounts) expect((await h.login(a.email, a.password)).res.status).toBe(200);
    } finally {
      await h.stop();
    }
  });

  it('secrets are random per start unless set by the environment', async () => {
    const env = {
      GONOGO_REFERENCE_PASSWORD: 'Known-Password-123!',
      GONOGO_REFERENCE_JWT_SECRET: 'known-jwt-secret-for-redaction-tests',
      GONOGO_REFERENCE_WEBHOOK_SECRET: 'whsec_known',
    };
    const [a, b, c] = [await Harness.start(), await Harness.start(), await Harness.start([], env)];
    try {
      expect(a.info.jwtSecret).not.toBe(b.info.jwtSecret);
      expect(a.info.webhookSecret).not.toBe(b.info.webhookSecret);
      expect(a.info.accounts[0]!.password).not.toBe(b.info.accounts[0]!.password);
      expect(c.info.jwtSecret).toBe(env.GONOGO_REFERENCE_JWT_SECRET);
      expect(c.info.webhookSecret).toBe(env.GONOGO_REFERENCE_WEBHOOK_SECRET);
      expect(new Set(c.info.accounts.map((x) => x.password))).toEqual(new Set([env.GONOGO_REFERENCE_PASSWORD]));
      expect((await c.login(c.account('admin').email, env.GONOGO_REFERENCE_PASSWORD)).res.status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('X-Forwarded-For is honoured from the configured proxy only', async () => {
    const h = await Harness.start([], {}, { trustedProxy: '127.0.0.6' });
    try {
      const burst = async (from: string) => {
        for (let i = 0; i < 105; i++) {
          const r = await h.call('GET', '/api/manufacturers', {
            from,
            headers: { 'x-forwarded-for': `198.51.100.${i}` },
          });
          if (r.status === 429) return true;
        }
        return false;
      };
      expect(await burst('127.0.0.6')).toBe(false);
      expect(await burst('127.0.0.7')).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('limits count over a shorter window when a test asks (option or environment), at the same sizes; by default a minute', async () => {
    const [short, fromEnv, demo] = [
      await Harness.start([], {}, { limitWindowS: 4 }),
      await Harness.start([], { GONOGO_REFERENCE_LIMIT_WINDOW_S: '5' }),
      await Harness.start(),
    ];
    // Not the load generator's address: that one is exempt from the API limit.
    const from = '127.0.0.8';
    /** Requests until the first 429: how many were answered and the wait it announced. */
    const burst = async (
      _h: Harness,
      send: () => Promise<{ status: number; headers: Record<string, unknown> }>,
      max: number,
    ) => {
      for (let i = 0; i <= max; i++) {
        const r = await send();
        if (r.status === 429) return { answered: i, retryAfterS: Number(r.headers['retry-after']) };
      }
      return { answered: max + 1, retryAfterS: Number.NaN };
    };
    const login = (h: Harness) => () =>
      h.call('POST', '/api/auth/login', {
        from,
        body: { email: 'nobody@reference.local', password: 'Wrong-password-1!' },
      });
    const api = (h: Harness) => () => h.call('GET', '/api/manufacturers', { from });
    try {
      expect([short.info.limitWindowS, fromEnv.info.limitWindowS, demo.info.limitWindowS]).toEqual([4, 5, 60]);
      for (const [h, windowS] of [
        [short, 4],
        [fromEnv, 5],
      ] as const) {
        const l = await burst(h, login(h), 11);
        expect(l.answered).toBe(10);
        expect(l.retryAfterS).toBeGreaterThanOrEqual(1);
        expect(l.retryAfterS).toBeLessThanOrEqual(windowS);
        const a = await burst(h, api(h), 101);
        expect(a.answered).toBe(100);
        expect(a.retryAfterS).toBeLessThanOrEqual(windowS);
      }
      // Once the announced wait has passed, both limits answer again.
      await new Promise((r) => setTimeout(r, 4_250));
      expect((await login(short)()).status).toBe(401);
      expect((await api(short)()).status).not.toBe(429);
      const d = await burst(demo, login(demo), 11);
      expect(d.answered).toBe(10);
      expect(d.retryAfterS).toBeGreaterThan(5);
      expect(d.retryAfterS).toBeLessThanOrEqual(60);
    } finally {
      await Promise.all([short.stop(), fromEnv.stop(), demo.stop()]);
    }
  });

  it('a limit window under 3 s or not in whole seconds is a usage error naming where it came from, before anything starts', async () => {
    const smtp = { host: '127.0.0.1', port: 9 };
    await expect(startReference({ smtp, env: { GONOGO_REFERENCE_LIMIT_WINDOW_S: '2' } })).rejects.toThrow(
      /^GONOGO_REFERENCE_LIMIT_WINDOW_S must be a whole number of seconds, at least 3 \(received: 2\)$/,
    );
    await expect(startReference({ smtp, env: { GONOGO_REFERENCE_LIMIT_WINDOW_S: '10s' } })).rejects.toThrow(UsageError);
    await expect(startReference({ smtp, env: {}, limitWindowS: 4.5 })).rejects.toThrow(
      /^limitWindowS must be a whole number of seconds, at least 3 \(received: 4\.5\)$/,
    );
  });

  it('the vulnerable-dependency flaw points at the lockfile pinning lodash 4.17.20', async () => {
    const sink = await startMailSink();
    const info = await startReference({ flaws: ['vulnerable-dependency'], smtp: sink.smtp });
    try {
      const lock = JSON.parse(readFileSync(info.lockfile, 'utf8'));
      expect(lock.lockfileVersion).toBe(3);
      expect(info.lockfile).toMatch(/fixtures\/vulnerable\/package-lock\.json$/);
      expect(lock.packages['node_modules/lodash'].version).toBe('4.17.20');
    } finally {
      await info.stop();
      await sink.stop();
    }
  });

  it('an unknown flaw is a usage error naming the known flaws, before anything starts', async () => {
    await expect(startReference({ flaws: ['no-such-flaw'], smtp: { host: '127.0.0.1', port: 9 } })).rejects.toThrow(
      UsageError,
    );
    expect(() => parseFlaws('alg-none,nope')).toThrow(/unknown flaw "nope"; known flaws: unfunded-release, /);
    expect(parseFlaws(' alg-none, slow,alg-none,')).toEqual(['alg-none', 'slow']);
  });
});

describe('the flaw catalogue', () => {
  const kpiIds = new Set(
    (
      parse(readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8')) as {
        kpis: Array<{ id: string; metric?: string }>;
      }
    ).kpis
      .filter((k) => k.metric)
      .map((k) => k.id),
  );

  it("has at least 20 uniquely named flaws, each failing something or removing a check's control", () => {
    expect(FLAWS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(FLAWS.map((f) => f.name)).size).toBe(FLAWS.length);
    for (const f of FLAWS)
      expect(f.mustFail.length + (f.mustFailKpis?.length ?? 0) + (f.mustError?.length ?? 0), f.name).toBeGreaterThan(0);
  });

  /**
   * Checks no reference flaw fails: each with the test that shows it not passing, or, for the positive controls
   * whose loss breaks most other checks (mail, verification, role logins), `none` and why. A new check lands here
   * only by saying which.
   */
  const SHOWN_ELSEWHERE: Record<string, { file: string; how: string } | { none: string }> = {
    'tls.certificate-chain': {
      file: 'test/security/tls.test.ts',
      how: 'a certificate from a CA gonogo does not trust fails it',
    },
    'tls.certificate-hostname': { file: 'test/security/tls.test.ts', how: "another host's certificate fails it" },
    'load.completed': {
      file: 'test/reliability/engines.test.ts',
      how: 'pass or error by design: a missing or crashing engine makes it an error',
    },
    'auth.login-roles': { none: 'a role that cannot log in takes every check standing on that role with it' },
    'email.delivery': { none: "no mail leaves every check on the suite's own accounts without its control" },
    'email.link-verifies': {
      none: "a link that does not verify leaves every check on the suite's own accounts without its control",
    },
  };

  it('fails every catalogue check with some flaw, or names the test that shows it not passing', () => {
    const failed = new Set<string>(FLAWS.flatMap((f) => f.mustFail));
    const uncovered = Object.keys(CATALOGUE).filter((id) => !failed.has(id));
    expect(uncovered.sort()).toEqual(Object.keys(SHOWN_ELSEWHERE).sort());
    for (const [id, where] of Object.entries(SHOWN_ELSEWHERE)) {
      if ('file' in where)
        expect(
          readFileSync(new URL(`../../${where.file}`, import.meta.url), 'utf8'),
          `${id} in ${where.file}`,
        ).toContain(`'${id}'`);
    }
  });

  it('every --flaws of the README and docs/ names flaws that exist', () => {
    const root = new URL('../../', import.meta.url);
    const files = [
      'README.md',
      ...readdirSync(new URL('docs/', root))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const names = new Set(FLAWS.map((f) => f.name));
    const used = files.flatMap((f) =>
      [...readFileSync(new URL(f, root), 'utf8').matchAll(/--flaws ([a-z0-9][a-z0-9,-]*)/g)].flatMap((m) =>
        m[1]!
          .split(',')
          .filter((n) => n && n !== 'a' && n !== 'b')
          .map((n) => `${f}: ${n}`),
      ),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !names.has(u.split(': ')[1]!))).toEqual([]);
  });

  it('names only catalogue checks and metric KPIs of the default KPI file', () => {
    for (const f of FLAWS) {
      for (const id of [...f.mustFail, ...(f.mustError ?? [])])
        expect(CATALOGUE, `${f.name}: ${id}`).toHaveProperty([id]);
      for (const id of f.mustFailKpis ?? []) expect(kpiIds.has(id), `${f.name}: KPI ${id}`).toBe(true);
    }
  });
});
