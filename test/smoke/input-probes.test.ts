import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { InputProbes } from '../../smoke/input-config.ts';
import { ProbeBudget } from '../../smoke/lib/input-probes/budget.ts';
import { type ProbeOperation, operationsOf } from '../../smoke/lib/input-probes/operations.ts';
import {
  type ProbeEnv,
  type Send,
  type Sent,
  nosqlInjection,
  pathTraversal,
  schemaInvalid,
  sqlInjection,
  templateInjection,
} from '../../smoke/lib/input-probes/probes.ts';
import { openApiDocument } from '../../reference-app/openapi.ts';
import { forbiddenValues } from '../../smoke/lib/input-probes/judge.ts';
import { DIALECTS } from '../../reference-app/dialects.ts';
import type { Doc } from '../../smoke/lib/openapi.ts';

const cfg = InputProbes.parse({ writes: ['POST /api/catalog/quote'] });
const PROBES = { schemaInvalid, sqlInjection, nosqlInjection, templateInjection, pathTraversal };
const isRefusal = (s: number) => s >= 400 && s !== 429;
const json = (status: number, body: unknown): Sent => ({ status, text: JSON.stringify(body), json: body });
const query = (path: string) => new URL(path, 'https://x.invalid').searchParams;
const op = (path: string, params: ProbeOperation['params']): ProbeOperation => ({
  method: 'GET',
  path,
  prefix: '',
  params,
  secured: true,
});
const qParam = (name: string, value: string) => ({
  name,
  in: 'query' as const,
  required: false,
  schema: { type: 'string' },
  value,
});

describe('the input probes never send more than their budget', () => {
  // Every operation of the reference document, answered 200 whatever is sent: the probes would go on forever.
  const ops = operationsOf(openApiDocument('https://127.0.0.1:1', DIALECTS.marketplace) as Doc, '', cfg);
  for (const [name, run] of Object.entries(PROBES))
    it(`${name}: at most budget.requests in all and budget.perOperation per operation, and says which key ran out`, async () => {
      const budget = new ProbeBudget({ requests: 9, perOperation: 4, seconds: 60 });
      const perOp = new Map<string, number>();
      let sent = 0;
      const send: Send = async (o, req) => {
        if (!budget.take(`${o.method} ${o.path}`)) return undefined;
        sent++;
        perOp.set(o.path, (perOp.get(o.path) ?? 0) + 1);
        // Echoes what it was sent, so the template probe has parameters to go on with.
        return json(200, { echo: decodeURIComponent(req.path) });
      };
      const out = await run(ops, { send, cfg, isRefusal });
      expect(sent).toBeLessThanOrEqual(9);
      expect(Math.max(...perOp.values())).toBeLessThanOrEqual(4);
      expect(out.short.length).toBeGreaterThan(0);
      expect(budget.exhausted).toMatch(/^smoke\.inputProbes\.budget\.(requests|perOperation)$/);
    });

  it('stops at budget.seconds, naming it', () => {
    let now = 0;
    const budget = new ProbeBudget({ requests: 100, perOperation: 100, seconds: 5 }, () => now);
    expect(budget.take('a')).toBe(true);
    now = 5001;
    expect(budget.take('a')).toBe(false);
    expect(budget.exhausted).toBe('smoke.inputProbes.budget.seconds');
    expect(budget.spent).toBe(1);
  });
});

describe('input.sql-injection against a real SQL engine', () => {
  const db = new Database(':memory:');
  db.exec("CREATE TABLE p (name TEXT); INSERT INTO p VALUES ('steel bracket'), ('oak panel')");
  const search =
    (bound: boolean): Send =>
    async (_o, req) => {
      const q = query(req.path).get('q') ?? '';
      try {
        const rows = bound
          ? db.prepare('SELECT name FROM p WHERE name LIKE ?').all(`%${q}%`)
          : db.prepare(`SELECT name FROM p WHERE name LIKE '%${q}%'`).all();
        return json(200, rows);
      } catch {
        // No error text: only the differential can tell.
        return json(500, { detail: 'Internal server error' });
      }
    };
  const ops = [op('/search', [qParam('q', 'steel')])];
  const quiet = { ...cfg, sqlErrorPayloads: [] };

  it('finds the concatenated query by its boolean differential alone', async () => {
    const out = await sqlInjection(ops, { send: search(false), cfg: quiet, isRefusal });
    expect(out.findings).toEqual([
      expect.stringContaining(`"steel%' AND '%'='" answered like the control and "steel%' AND 'x'='" did not`),
    ]);
  });

  it('finds nothing in the bound one, and judged its parameter', async () => {
    const out = await sqlInjection(ops, { send: search(true), cfg, isRefusal });
    expect(out).toEqual({ findings: [], judged: ['GET /search query q'], unproven: [], otherRole: [], short: [] });
  });

  it('reads an error signature only the probe provokes, not one the control already shows', async () => {
    const always: Send = async () => json(500, { detail: 'SQLITE_ERROR: near "x": syntax error' });
    const out = await sqlInjection(ops, { send: always, cfg, isRefusal });
    expect(out.findings).toEqual([]);
    expect(out.unproven).toEqual(['GET /search query q: the control answered 500']);
  });
});

describe('input.nosql-injection', () => {
  const items = [{ c: 'a' }, { c: 'b' }, { c: 'c' }];
  const filter =
    (evaluates: boolean): Send =>
    async (_o, req) => {
      const qs = query(req.path);
      const ne = qs.get('c[$ne]');
      if (ne !== null)
        return evaluates
          ? json(
              200,
              items.filter((i) => i.c !== ne),
            )
          : json(200, items);
      const c = qs.get('c');
      return json(200, c === null ? items : items.filter((i) => i.c === c));
    };
  const ops = [op('/items', [qParam('c', 'a')])];

  it('finds an operator the platform evaluates', async () => {
    const out = await nosqlInjection(ops, { send: filter(true), cfg, isRefusal });
    expect(out.findings).toHaveLength(1);
  });

  it('does not count a bracketed key the platform ignores (it answers as without the parameter)', async () => {
    const out = await nosqlInjection(ops, { send: filter(false), cfg, isRefusal });
    expect(out.findings).toEqual([]);
    expect(out.judged).toEqual(['GET /items query c']);
  });
  it('judges nothing where the same request answers differently twice (a timestamp): every probe would look evaluated', async () => {
    let n = 0;
    const stamped: Send = async (o, req) => {
      const r = (await filter(false)(o, req))!;
      return { ...r, text: `${r.text} at ${n++}` };
    };
    const out = await nosqlInjection(ops, { send: stamped, cfg, isRefusal });
    expect(out.findings).toEqual([]);
    expect(out.judged).toEqual([]);
    expect(out.unproven).toEqual([
      expect.stringMatching(/^GET \/items query c: the same request answered differently twice/),
    ]);
  });
});

describe('input.schema-invalid', () => {
  it('sends an empty value outside an enum, except to an optional query parameter, where empty reads as absent', () => {
    const e = { type: 'string', enum: ['hardware', 'timber'] };
    expect(forbiddenValues(e).map((f) => f.value)).toEqual(['gonogo-not-in-enum', '']);
    expect(forbiddenValues(e, { emptyIsAbsent: true }).map((f) => f.value)).toEqual(['gonogo-not-in-enum']);
    expect(forbiddenValues({ type: 'string', enum: ['', 'a'] }).map((f) => f.value)).toEqual(['gonogo-not-in-enum']);
  });

  const ops = [op('/n', [{ ...qParam('n', '1'), schema: { type: 'integer', maximum: 9 } }])];
  const env = (answer: (n: string | null) => number): ProbeEnv => ({
    send: async (_o, req) => json(answer(query(req.path).get('n')), {}),
    cfg,
    isRefusal,
  });

  it('fails a 5xx and an accepted value, passes a refusal', async () => {
    const out = await schemaInvalid(
      ops,
      env((n) => (n === 'gonogo' ? 500 : n === '10' ? 200 : 200)),
    );
    expect(out.findings).toEqual([
      'GET /n with n not a integer answered 500',
      'GET /n with n above maximum 9 was accepted (200)',
    ]);
    const clean = await schemaInvalid(
      ops,
      env((n) => (n === null || n === '1' ? 200 : 422)),
    );
    expect(clean.findings).toEqual([]);
    expect(clean.judged).toEqual(['GET /n']);
  });

  it('leaves an operation whose valid request fails unproven, and one of another role out', async () => {
    expect(
      (
        await schemaInvalid(
          ops,
          env(() => 404),
        )
      ).unproven,
    ).toHaveLength(1);
    expect(
      (
        await schemaInvalid(
          ops,
          env(() => 403),
        )
      ).otherRole,
    ).toEqual(['GET /n (403)']);
  });
});
