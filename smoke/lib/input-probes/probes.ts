/**
 * The five input probes. Each calls the operations through `send` (which spends the budget and returns undefined once
 * it is spent), compares every probe with a control request, and returns what it found, what it could judge and what
 * it could not. The spec (smoke/specs/input.spec.ts) turns that into the check's outcome.
 */
import { randomBytes } from 'node:crypto';
import type { InputProbesConfig } from '../../input-config.ts';
import { signatureMatchers } from '../debug.ts';
import { type Answer, alike, fill, forbiddenBodies, forbiddenValues, isFileParam } from './judge.ts';
import { type Param, type ProbeOperation, baseQuery, requestPath, validBody } from './operations.ts';

export interface Sent extends Answer {
  json: unknown;
}
export interface ProbeRequest {
  path: string;
  json?: unknown;
  raw?: string;
}
export type Send = (op: ProbeOperation, req: ProbeRequest) => Promise<Sent | undefined>;

export interface ProbeOutcome {
  findings: string[];
  /** Targets (an operation, or one of its parameters) whose control passed and that were probed. */
  judged: string[];
  /** Targets whose control did not pass: nothing was proven about them. */
  unproven: string[];
  /** Operations left out because the probing user may not call them (401/403 to the control). */
  otherRole: string[];
  /** Targets the budget ran out on. */
  short: string[];
}

export interface ProbeEnv {
  send: Send;
  cfg: InputProbesConfig;
  isRefusal: (status: number) => boolean;
}

const name = (op: ProbeOperation) => `${op.method} ${op.path}`;
const target = (op: ProbeOperation, p: Param) => `${name(op)} ${p.in} ${p.name}`;
const answered = (r: Sent) => r.status < 500 && r.status !== 429;
const ok = (r: Sent) => r.status >= 200 && r.status < 300;
const outcome = (): ProbeOutcome => ({ findings: [], judged: [], unproven: [], otherRole: [], short: [] });
const queryParams = (op: ProbeOperation) => op.params.filter((p) => p.in === 'query' && p.value !== undefined);

/** Sends the operation with `param` set to `value` (or left out), its other required parameters at their control values. */
function withParam(op: ProbeOperation, p: Param, value: string | undefined): ProbeRequest {
  const path: Record<string, string> = p.in === 'path' && value !== undefined ? { [p.name]: value } : {};
  const query =
    p.in === 'query' ? baseQuery(op, { name: p.name, ...(value !== undefined ? { value } : {}) }) : baseQuery(op);
  return { path: requestPath(op, path, query), ...(op.body ? { json: validBody(op.body, {}) } : {}) };
}

/** input.schema-invalid: each value and body the schema forbids is refused, never accepted, never a 5xx. */
export async function schemaInvalid(ops: readonly ProbeOperation[], env: ProbeEnv): Promise<ProbeOutcome> {
  const out = outcome();
  for (const op of ops) {
    const valid = op.body ? validBody(op.body, env.cfg.values) : undefined;
    const probes: Array<{ why: string; req: ProbeRequest }> = [];
    for (const p of queryParams(op)) {
      for (const f of forbiddenValues(p.schema, { emptyIsAbsent: !p.required }))
        probes.push({
          why: `${p.name} ${f.why}`,
          req: { ...withParam(op, p, String(f.value)), ...(valid ? { json: valid } : {}) },
        });
      if (p.required)
        probes.push({
          why: `${p.name} missing (required)`,
          req: { ...withParam(op, p, undefined), ...(valid ? { json: valid } : {}) },
        });
    }
    const plain = requestPath(op, {}, baseQuery(op));
    if (op.body && valid)
      for (const b of forbiddenBodies(op.body, valid)) probes.push({ why: b.why, req: { path: plain, ...b } });
    if (probes.length === 0) continue;
    const control = await env.send(op, { path: plain, ...(valid ? { json: valid } : {}) });
    if (!control) {
      out.short.push(name(op));
      continue;
    }
    if (control.status === 401 || control.status === 403) {
      out.otherRole.push(`${name(op)} (${control.status})`);
      continue;
    }
    if (!ok(control)) {
      out.unproven.push(
        `${name(op)}: its valid request answered ${control.status} (give values in smoke.inputProbes.values)`,
      );
      continue;
    }
    out.judged.push(name(op));
    for (const pr of probes) {
      const r = await env.send(op, pr.req);
      if (!r) {
        out.short.push(`${name(op)}: ${pr.why}`);
        break;
      }
      if (r.status >= 500) out.findings.push(`${name(op)} with ${pr.why} answered ${r.status}`);
      else if (!env.isRefusal(r.status)) out.findings.push(`${name(op)} with ${pr.why} was accepted (${r.status})`);
    }
  }
  return out;
}

/** input.sql-injection: a database error only the probe's answer carries, or a true/false pair that splits like a WHERE clause. */
export async function sqlInjection(ops: readonly ProbeOperation[], env: ProbeEnv): Promise<ProbeOutcome> {
  const out = outcome();
  const sigs = signatureMatchers(env.cfg.sqlErrorSignatures);
  for (const op of ops)
    for (const p of queryParams(op)) {
      const v = p.value!;
      const control = await env.send(op, withParam(op, p, v));
      if (!control) {
        out.short.push(target(op, p));
        continue;
      }
      if (!answered(control)) {
        out.unproven.push(`${target(op, p)}: the control answered ${control.status}`);
        continue;
      }
      out.judged.push(target(op, p));
      const before = new Set(sigs.filter((s) => s.test(control.text)).map((s) => s.name));
      let found = false;
      for (const payload of env.cfg.sqlErrorPayloads) {
        const r = await env.send(op, withParam(op, p, fill(payload, v)));
        if (!r) {
          out.short.push(`${target(op, p)}: ${payload}`);
          break;
        }
        const hit = sigs.filter((s) => !before.has(s.name) && s.test(r.text)).map((s) => s.name);
        if (hit.length) {
          out.findings.push(
            `${target(op, p)} = ${JSON.stringify(fill(payload, v))} answered ${r.status} with a ${hit.join(', ')} error`,
          );
          found = true;
          break;
        }
      }
      // The differential needs an answer with content to split: a 2xx control.
      if (found || !ok(control)) continue;
      for (const pair of env.cfg.sqlBooleanPairs) {
        const [t, f] = [fill(pair.true, v), fill(pair.false, v)];
        const rt = await env.send(op, withParam(op, p, t));
        const rf = rt && (await env.send(op, withParam(op, p, f)));
        if (!rt || !rf) {
          out.short.push(`${target(op, p)}: ${pair.true}`);
          break;
        }
        if (alike(rt, control, [t, v]) && !alike(rf, control, [f, v])) {
          out.findings.push(
            `${target(op, p)}: ${JSON.stringify(t)} answered like the control and ${JSON.stringify(f)} did not (${rf.status})`,
          );
          break;
        }
      }
    }
  return out;
}

/** input.nosql-injection: an operator in the query string (`name[$ne]=`) or in a body field that the platform evaluates. */
export async function nosqlInjection(ops: readonly ProbeOperation[], env: ProbeEnv): Promise<ProbeOutcome> {
  const out = outcome();
  for (const op of ops) {
    for (const p of queryParams(op)) {
      const v = p.value!;
      const control = await env.send(op, withParam(op, p, v));
      const absent = control && (await env.send(op, withParam(op, p, undefined)));
      if (!control || !absent) {
        out.short.push(target(op, p));
        continue;
      }
      if (!answered(control)) {
        out.unproven.push(`${target(op, p)}: the control answered ${control.status}`);
        continue;
      }
      // The finding is "unlike the control": an answer that differs between two identical requests (a timestamp, a
      // request id) would make every probe look evaluated, so the control is sent twice and must answer alike.
      const again = await env.send(op, withParam(op, p, v));
      if (!again) {
        out.short.push(target(op, p));
        continue;
      }
      if (!alike(again, control, [v])) {
        out.unproven.push(
          `${target(op, p)}: the same request answered differently twice (${control.status}, ${again.status}): a difference proves nothing`,
        );
        continue;
      }
      out.judged.push(target(op, p));
      for (const o of env.cfg.nosqlQueryOperators) {
        const value = fill(o.value, v);
        const query = [...baseQuery(op, { name: p.name }), [`${p.name}${o.suffix}`, value] as [string, string]];
        const r = await env.send(op, {
          path: requestPath(op, {}, query),
          ...(op.body ? { json: validBody(op.body, {}) } : {}),
        });
        if (!r) {
          out.short.push(`${target(op, p)}: ${o.suffix}`);
          break;
        }
        // Evaluated: accepted, and neither the value's own answer nor the answer without the parameter.
        if (ok(r) && !alike(r, control, [value, v]) && !alike(r, absent, [value])) {
          out.findings.push(
            `${target(op, p)}: ${p.name}${o.suffix}=${value} answered ${r.status} unlike both ${p.name}=${v} (${control.status}) and no ${p.name} (${absent.status})`,
          );
          break;
        }
      }
    }
    if (!op.body) continue;
    const valid = validBody(op.body, env.cfg.values);
    const path = requestPath(op, {}, baseQuery(op));
    const control = await env.send(op, { path, json: valid });
    if (!control) {
      out.short.push(`${name(op)} body`);
      continue;
    }
    if (!ok(control)) {
      out.unproven.push(`${name(op)} body: the valid body answered ${control.status}`);
      continue;
    }
    const again = await env.send(op, { path, json: valid });
    if (!again) {
      out.short.push(`${name(op)} body`);
      continue;
    }
    if (!alike(again, control, [])) {
      out.unproven.push(
        `${name(op)} body: the valid body answered differently twice (${control.status}, ${again.status}): a difference proves nothing`,
      );
      continue;
    }
    out.judged.push(`${name(op)} body`);
    for (const field of Object.keys(op.body.properties ?? valid))
      for (const operator of env.cfg.nosqlBodyOperators) {
        const r = await env.send(op, { path, json: { ...valid, [field]: operator } });
        if (!r) {
          out.short.push(`${name(op)} body ${field}`);
          break;
        }
        if (ok(r) && !alike(r, control, []))
          out.findings.push(`${name(op)}: ${field} = ${JSON.stringify(operator)} was evaluated (${r.status})`);
      }
  }
  return out;
}

/** input.template-injection: where a parameter is echoed, an expression sent in it comes back evaluated. */
export async function templateInjection(ops: readonly ProbeOperation[], env: ProbeEnv): Promise<ProbeOutcome> {
  const out = outcome();
  for (const op of ops)
    for (const p of queryParams(op)) {
      const marker = `gng${randomBytes(3).toString('hex')}`;
      const control = await env.send(op, withParam(op, p, marker));
      if (!control) {
        out.short.push(target(op, p));
        continue;
      }
      if (!answered(control)) {
        out.unproven.push(`${target(op, p)}: the control answered ${control.status}`);
        continue;
      }
      // A parameter that is not echoed cannot show an evaluation: it is neither judged nor a gap.
      if (!control.text.includes(marker)) continue;
      out.judged.push(target(op, p));
      for (const t of env.cfg.templatePayloads) {
        const r = await env.send(op, withParam(op, p, `${marker}${t.payload}${marker}`));
        if (!r) {
          out.short.push(`${target(op, p)}: ${t.payload}`);
          break;
        }
        if (r.text.includes(`${marker}${t.expect}${marker}`)) {
          out.findings.push(`${target(op, p)}: ${t.payload} came back as ${t.expect} (${r.status})`);
          break;
        }
      }
    }
  return out;
}

/** input.path-traversal: a file-like parameter given a route out of its folder answers with a file the control did not show. */
export async function pathTraversal(ops: readonly ProbeOperation[], env: ProbeEnv): Promise<ProbeOutcome> {
  const out = outcome();
  const sigs = signatureMatchers(env.cfg.fileSignatures);
  for (const op of ops)
    for (const p of op.params.filter((x) => x.value !== undefined && isFileParam(x.name, env.cfg.fileParams))) {
      const control = await env.send(op, withParam(op, p, p.value!));
      if (!control) {
        out.short.push(target(op, p));
        continue;
      }
      if (!answered(control)) {
        out.unproven.push(`${target(op, p)}: the control answered ${control.status}`);
        continue;
      }
      out.judged.push(target(op, p));
      const before = new Set(sigs.filter((s) => s.test(control.text)).map((s) => s.name));
      for (const payload of env.cfg.traversalPayloads) {
        const r = await env.send(op, withParam(op, p, fill(payload, p.value!)));
        if (!r) {
          out.short.push(`${target(op, p)}: ${payload}`);
          break;
        }
        const hit = sigs.filter((s) => !before.has(s.name) && s.test(r.text)).map((s) => s.name);
        if (hit.length) {
          out.findings.push(
            `${target(op, p)} = ${JSON.stringify(payload)} answered ${r.status} with a ${hit.join(', ')} file`,
          );
          break;
        }
      }
    }
  return out;
}
