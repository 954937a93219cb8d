import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getPath } from '../../core/jsonpath.ts';
import { fillPath, fillTemplate } from '../../core/template.ts';
import { algNone, tamper, weakSecretsThatVerify } from '../../smoke/lib/jwt.ts';
import { runSmoke } from '../../smoke/index.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { ConfigError } from '../../core/errors.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { readFile } from 'node:fs/promises';
import { SignJWT } from 'jose';

describe('smoke helpers', () => {
  it('reads JSON paths with dots, indexes and wildcards', () => {
    const body = { data: { token: 't' }, milestones: [{ id: 1 }, { id: 2 }] };
    expect(getPath(body, 'data.token')).toBe('t');
    expect(getPath(body, '$.milestones[1].id')).toBe(2);
    expect(getPath(body, 'milestones[*].id')).toEqual([1, 2]);
    expect(getPath(body, 'missing.path')).toBeUndefined();
  });

  it('fills templates keeping the type of whole placeholders, and path parameters', () => {
    expect(fillTemplate({ a: '{{n}}', b: 'x{{n}}', c: ['{{s}}'], d: '{{unknown}}' }, { n: 5, s: 'v' })).toEqual({
      a: 5,
      b: 'x5',
      c: ['v'],
      d: '{{unknown}}',
    });
    expect(fillPath('/api/orders/{id}/milestones/{milestone}', { id: 7, milestone: 'a b' })).toBe(
      '/api/orders/7/milestones/a%20b',
    );
  });

  it('forges alg none and tampered tokens and finds weak HMAC secrets', async () => {
    const token = await new SignJWT({ sub: '1', role: 'client' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(new TextEncoder().encode('secret'));
    expect(weakSecretsThatVerify(token, ['changeme', 'secret'])).toEqual(['secret']);
    expect(weakSecretsThatVerify(token, ['changeme'])).toEqual([]);
    const none = algNone(token);
    expect(JSON.parse(Buffer.from(none.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'none' });
    expect(none.endsWith('.')).toBe(true);
    const forged = tamper(token, 'role', 'admin');
    expect(JSON.parse(Buffer.from(forged.split('.')[1]!, 'base64url').toString()).role).toBe('admin');
    expect(forged.split('.')[2]).toBe(token.split('.')[2]);
    expect(weakSecretsThatVerify(forged, ['secret'])).toEqual([]);
  });

  it('refuses a live Stripe key as the webhook secret before sending anything', async () => {
    process.env.GONOGO_TEST_LIVE_KEY = 'sk_live_0123456789';
    try {
      const config = ConfigSchema.parse({
        target: { baseUrl: 'https://127.0.0.1:9' },
        smoke: { webhook: { secretEnv: 'GONOGO_TEST_LIVE_KEY' } },
      });
      const kpis = parseKpiText(
        await readFile(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8'),
        'kpis.yaml',
      );
      await expect(
        runSmoke({
          config,
          configDir: process.cwd(),
          kpis,
          outDir: await mkdtemp(join(tmpdir(), 'gonogo-smoke-live-')),
          signal: new AbortController().signal,
          progress: () => {},
          load: { vus: 1, duration: '1s', engine: 'auto' },
          secrets: new Set(),
        }),
      ).rejects.toBeInstanceOf(ConfigError);
    } finally {
      delete process.env.GONOGO_TEST_LIVE_KEY;
    }
  });
});
