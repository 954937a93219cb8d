import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { gonogoChild } from '../reliability/child.ts';
import { Report } from '../../core/report-schema.ts';

const CHROMIUM = '/usr/bin/chromium';
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const starts = (file: string, magic: number[]) =>
  [...readFileSync(file).subarray(0, magic.length)].every((b, i) => b === magic[i]);

interface Run {
  out: string;
  report: Report;
  md: string;
  html: string;
  log: string;
}

async function smokeRun(flaws: string[]): Promise<Run> {
  const out = await mkdtemp(join(tmpdir(), 'gonogo-browser-artifacts-'));
  const r = await gonogoChild(
    ['run', '--reference', '--suite', 'smoke', ...(flaws.length ? ['--flaws', flaws.join(',')] : []), '--out', out],
    { timeoutMs: 400_000 },
  );
  expect(r.code, r.err).toBeLessThanOrEqual(1);
  const read = (f: string) => readFileSync(join(out, f), 'utf8');
  return {
    out,
    report: Report.parse(JSON.parse(read('report.json'))),
    md: read('report.md'),
    html: read('report.html'),
    log: r.err,
  };
}

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => join(d.parentPath, d.name))
    : [];
}

describe.skipIf(!existsSync(CHROMIUM))(
  `a failing browser check keeps what the browser saw${existsSync(CHROMIUM) ? '' : ' (skipped: no Chromium)'}`,
  () => {
    let flawed: Run;
    let clean: Run;
    beforeAll(async () => {
      // Two platforms on their own ports, side by side: most of a run is waiting out the limit probes' windows.
      [flawed, clean] = await Promise.all([smokeRun(['login-inline-script', 'login-form-wrong-field']), smokeRun([])]);
    }, 800_000);

    it('with the flaw: a PNG screenshot and a zipped trace, linked from report.json, report.md and report.html', () => {
      const check = flawed.report.checks.find((c) => c.id === 'browser.login-page')!;
      expect(check.status).toBe('fail');
      const artifacts = check.evidence.artifacts ?? [];
      expect(artifacts.map((a) => a.kind).sort()).toEqual(['screenshot', 'trace']);
      for (const a of artifacts) {
        // relative to the report, inside the smoke suite's own folder (no nested smoke/smoke)
        expect(a.path).toMatch(/^smoke\/artifacts-checks\/[^/]+\/[^/]+$/);
        const file = join(flawed.out, a.path);
        expect(starts(file, a.kind === 'screenshot' ? PNG : ZIP), `${a.kind} ${a.path}`).toBe(true);
        expect(flawed.md).toContain(`[${a.kind}](${encodeURI(a.path)})`);
        expect(flawed.html).toContain(`href="${encodeURI(a.path)}" data-kind="${a.kind}"`);
      }
      // the trace is a real Playwright trace, scrubbed of the account's password that was typed or sent
      const trace = unzipSync(
        new Uint8Array(readFileSync(join(flawed.out, artifacts.find((a) => a.kind === 'trace')!.path))),
      );
      expect(Object.keys(trace).some((n) => n.endsWith('.trace'))).toBe(true);
    });

    it('a failed login through the page keeps its screenshot, for the check it fails and for the check whose control it was', () => {
      const flow = flawed.report.checks.find((c) => c.id === 'browser.login-flow')!;
      const cookies = flawed.report.checks.find((c) => c.id === 'browser.cookies')!;
      expect([flow.status, cookies.status]).toEqual(['fail', 'error']);
      expect(cookies.evidence.message).toContain('positive control failed: logging in through the page answered 401');
      for (const c of [flow, cookies]) {
        const shot = (c.evidence.artifacts ?? []).find((a) => a.kind === 'screenshot');
        expect(shot, c.id).toBeDefined();
        expect(starts(join(flawed.out, shot!.path), PNG), `${c.id} ${shot!.path}`).toBe(true);
      }
    });

    it('with the flaw: the CSP console message is kept whole, with the directive and what it blocked', () => {
      const check = flawed.report.checks.find((c) => c.id === 'browser.login-page')!;
      const problems = check.evidence.details?.browserProblems as string[];
      expect(problems.length).toBeGreaterThan(0);
      const csp = problems.find((p) => p.includes('Content Security Policy') || p.includes('CSP violation'))!;
      expect(csp).toBeDefined();
      // Chromium's message ends by saying how to allow the script; the old 160-character cut lost it.
      expect(problems.some((p) => p.length > 160)).toBe(true);
      expect(problems.some((p) => /CSP violation: script-src(-elem)? inline/.test(p))).toBe(true);
    });

    it('without the flaw: the browser checks pass and leave no screenshot, no trace, no link', () => {
      const browser = clean.report.checks.filter((c) => c.area === 'browser');
      expect(browser.length).toBeGreaterThan(0);
      for (const c of browser) {
        expect(c.status).toBe('pass');
        expect(c.evidence.artifacts).toBeUndefined();
      }
      const kept = filesUnder(join(clean.out, 'smoke')).filter((f) => f.endsWith('.png') || f.endsWith('.zip'));
      expect(kept).toEqual([]);
      expect(clean.md).not.toMatch(/\[(screenshot|trace)\]\(/);
      expect(clean.html).not.toContain('data-kind="trace"');
      // the smoke folder is flat: Playwright's files directly in it
      expect(existsSync(join(clean.out, 'smoke', 'playwright-checks.json'))).toBe(true);
      expect(existsSync(join(clean.out, 'smoke', 'smoke'))).toBe(false);
    });

    it('its log (not a terminal) names what runs while Playwright is busy, with a counter that never passes its total', () => {
      const beats = clean.log.split('\n').filter((l) => l.includes('still running: smoke'));
      // the limits phase waits out announced Retry-After windows longer than a heartbeat interval; the checks phase
      // may or may not leave one (how fast its 42 tests go depends on the machine's load)
      expect(beats.length).toBeGreaterThan(0);
      expect(
        beats.some((l) =>
          /still running: smoke \d+\/\d+, running [a-z]+\.[a-z-]+.* in the (checks|limits) phase/.test(l),
        ),
        beats.join('\n'),
      ).toBe(true);
      for (const m of clean.log.matchAll(/ (\d+)\/(\d+)\b/g)) expect(Number(m[1])).toBeLessThanOrEqual(Number(m[2]));
      // after the verdict, nothing more
      expect(clean.log.trimEnd().split('\n').at(-1)).not.toContain('still running');
    });
  },
);
