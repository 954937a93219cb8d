import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigSchema } from '../../config/schema.ts';
import { configKeys, movedKeys, renderDefault, userKeys } from '../../config/keys.ts';

const CONFIG_MD = new URL('../../docs/config.md', import.meta.url);
const MINIMAL = { target: { baseUrl: 'https://staging.example.com' } };

/** The rows of docs/config.md's "Every key" table: key -> [default, meaning]. */
function documented(): Map<string, [string, string]> {
  const text = readFileSync(CONFIG_MD, 'utf8');
  const section = text.slice(text.indexOf('\n## Every key'));
  const rows = new Map<string, [string, string]>();
  for (const m of section.matchAll(/^\| `([^`]+)` \| (.*?) \| (.*?) \|$/gm))
    rows.set(m[1]!, [m[2]!.trim(), m[3]!.trim()]);
  return rows;
}

describe('docs/config.md documents every config key', () => {
  const keys = userKeys(ConfigSchema, MINIMAL);
  const rows = documented();

  it('finds the keys of every section, moved keys left out', () => {
    const paths = keys.map((k) => k.path);
    for (const p of [
      'target.baseUrl',
      'smoke.escrow.order.markPaidBody',
      'smoke.mailbox.apiUrl',
      'smoke.escrow.steps[].capture.*.pattern',
      'security.deps.source.url',
      'load.timeouts.slackS',
      'report.showEmails',
    ])
      expect(paths).toContain(p);
    expect(paths).not.toContain('smoke.adminRole');
    expect(paths).not.toContain('smoke.register.defaultRole');
    expect(paths).not.toContain('smoke.login');
  });

  it('has a row with a meaning for every key', () => {
    const missing = keys
      .filter((k) => !rows.get(k.path)?.[1])
      .map((k) => `| \`${k.path}\` | ${k.default ? renderDefault(k.default.value) : 'none'} | (meaning) |`);
    expect(missing, `add these rows to "Every key" in docs/config.md:\n${missing.join('\n')}`).toEqual([]);
  });

  it('writes each default the schema has exactly as the schema has it', () => {
    const wrong = keys
      .filter((k) => k.default && rows.has(k.path) && rows.get(k.path)![0] !== renderDefault(k.default.value))
      .map((k) => `${k.path}: docs say ${rows.get(k.path)![0]}, the schema ${renderDefault(k.default!.value)}`);
    expect(wrong).toEqual([]);
  });

  it('states every cap the schema puts on a number', () => {
    const unstated = keys
      .filter((k) => k.max !== undefined && !rows.get(k.path)?.[1].includes(`at most ${k.max}`))
      .map((k) => `${k.path}: at most ${k.max}`);
    expect(unstated).toEqual([]);
  });

  it('documents no key the schema does not have', () => {
    const known = new Set(keys.map((k) => k.path));
    expect([...rows.keys()].filter((p) => !known.has(p))).toEqual([]);
  });
});

describe('docs/config.md lists every renamed key', () => {
  it('in "Renamed keys", each with a message that names where it went', () => {
    const text = readFileSync(CONFIG_MD, 'utf8');
    const section = text.slice(text.indexOf('\n## Renamed keys'), text.indexOf('\n## Every key'));
    const moved = movedKeys(ConfigSchema);
    expect([...moved.keys()]).toEqual(
      expect.arrayContaining([
        'smoke.orders',
        'smoke.webhook.event',
        'smoke.escrow.counterpartyRole',
        'smoke.adminRole',
        'smoke.register.defaultRole',
      ]),
    );
    for (const [path, message] of moved) {
      expect(section, path).toContain(`| \`${path}\` |`);
      expect(message, path).toMatch(/^moved to .*smoke\./);
    }
  });
});

describe('the key walk', () => {
  it('merges union variants, enters lists and named maps, and reads defaults from a parsed config', () => {
    const S = z
      .object({
        a: z.object({ b: z.number().default(3), gone: z.never().optional() }).prefault({}),
        t: z
          .union([
            z.object({ from: z.literal('x'), p: z.string() }),
            z.object({ from: z.literal('y'), q: z.string().default('d') }),
          ])
          .optional(),
        l: z
          .array(
            z.object({
              n: z.string(),
              m: z.record(z.string(), z.object({ v: z.boolean().default(false) })).default({}),
            }),
          )
          .default([]),
        req: z.string(),
      })
      .strict()
      .transform((c) => ({ ...c, a: { ...c.a, b: c.a.b + 1 } }));
    expect(configKeys(S).map((k) => k.path)).toEqual([
      'a',
      'a.b',
      't',
      't.from',
      't.p',
      't.q',
      'l',
      'l[].n',
      'l[].m',
      'l[].m.*.v',
      'req',
    ]);
    expect(userKeys(S, { req: 'r' })).toEqual([
      { path: 'a.b', default: { value: 4 } },
      { path: 't' },
      { path: 't.from' },
      { path: 't.p' },
      { path: 't.q', default: { value: 'd' } },
      { path: 'l', default: { value: [] } },
      { path: 'l[].n' },
      { path: 'l[].m', default: { value: {} } },
      { path: 'l[].m.*.v', default: { value: false } },
      { path: 'req' },
    ]);
  });
});
