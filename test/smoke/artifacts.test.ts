import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { keepArtifacts, redactOutputDir, redactTrace } from '../../smoke/artifacts.ts';
import { Redactor } from '../../core/redact.ts';
import { check, report as makeReport } from '../helpers/report.ts';
import { renderJunit, renderMarkdown } from '../../reports/render/index.ts';
import { renderHtml } from '../../reports/html/report.ts';
import { renderSarif } from '../../reports/sarif.ts';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x80, 0x81, 0xfe]);

describe('browser artifacts', () => {
  it('a trace keeps its binary entries and loses every secret in its text entries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-trace-'));
    const file = join(dir, 'trace.zip');
    await writeFile(
      file,
      zipSync({
        'test.trace': strToU8('{"type":"action","method":"fill","params":{"value":"Sup3r-Secret-pw"}}\n'),
        'resources/body.json': strToU8('{"access_token":"abc","note":"Sup3r-Secret-pw"}'),
        'screencast/frame.jpeg': JPEG,
      }),
    );
    await redactTrace(file, new Redactor(['Sup3r-Secret-pw']));
    const out = unzipSync(new Uint8Array(await readFile(file)));
    expect(Object.keys(out).sort()).toEqual(['resources/body.json', 'screencast/frame.jpeg', 'test.trace']);
    expect(strFromU8(out['test.trace']!)).toBe('{"type":"action","method":"fill","params":{"value":"[redacted]"}}\n');
    expect(strFromU8(out['resources/body.json']!)).not.toMatch(/Sup3r|"abc"/);
    expect([...out['screencast/frame.jpeg']!]).toEqual([...JPEG]);
  });

  it('the text files Playwright leaves beside them (error-context.md) are scrubbed too; images are left alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-pw-out-'));
    await mkdir(join(dir, 'browser-login'), { recursive: true });
    await writeFile(join(dir, 'browser-login', 'error-context.md'), '- textbox "Password": Sup3r-Secret-pw\n');
    await writeFile(join(dir, 'browser-login', 'test-failed-1.png'), JPEG);
    await redactOutputDir(dir, new Redactor(['Sup3r-Secret-pw']));
    expect(await readFile(join(dir, 'browser-login', 'error-context.md'), 'utf8')).toBe(
      '- textbox "Password": [redacted]\n',
    );
    expect([...new Uint8Array(await readFile(join(dir, 'browser-login', 'test-failed-1.png')))]).toEqual([...JPEG]);
    await expect(redactOutputDir(join(dir, 'none'), new Redactor())).resolves.toBeUndefined();
  });

  it('paths become relative to the report; a file Playwright named but did not leave is dropped with a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-artifacts-'));
    const shot = join(dir, 'smoke', 'shot.png');
    await mkdir(join(dir, 'smoke'));
    await writeFile(shot, 'png');
    const c = check('browser.login-page', 'fail', {
      evidence: {
        message: 'x',
        artifacts: [
          { kind: 'screenshot', path: shot, contentType: 'image/png' },
          { kind: 'trace', path: join(dir, 'smoke', 'gone.zip'), contentType: 'application/zip' },
        ],
      },
    });
    const r = await keepArtifacts([c], { reportDir: dir, redactor: new Redactor() });
    expect(r.checks[0]!.evidence.artifacts).toEqual([
      { kind: 'screenshot', path: 'smoke/shot.png', contentType: 'image/png' },
    ]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^browser.login-page: the trace Playwright reported at .*gone\.zip could not be kept/),
    ]);
  });
});

describe("the report links a failed check's files", () => {
  const files = [
    {
      kind: 'screenshot' as const,
      path: 'smoke/artifacts-checks/browser login (1)/test-failed-1.png',
      contentType: 'image/png',
    },
    {
      kind: 'trace' as const,
      path: 'smoke/artifacts-checks/browser login (1)/trace.zip',
      contentType: 'application/zip',
    },
  ];
  const rep = makeReport({
    checks: [check('browser.login-page', 'fail', { evidence: { message: 'console: CSP', artifacts: files } })],
  });

  it('in report.md and report.html as links relative to the report, in junit.xml and report.sarif by path', () => {
    const md = renderMarkdown(rep);
    expect(md).toContain('[screenshot](smoke/artifacts-checks/browser%20login%20%281%29/test-failed-1.png)');
    expect(md).toContain('[trace](smoke/artifacts-checks/browser%20login%20%281%29/trace.zip)');
    const html = renderHtml(rep);
    expect(html).toContain('<a href="smoke/artifacts-checks/browser%20login%20(1)/trace.zip" data-kind="trace">');
    const junit = renderJunit(rep);
    expect(junit).toContain(
      'trace smoke/artifacts-checks/browser login (1)/trace.zip (open with npx playwright show-trace)',
    );
    const sarif = JSON.parse(renderSarif(rep)) as {
      runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }> }>;
    };
    expect(sarif.runs[0]!.results.find((r) => r.ruleId === 'browser.login-page')!.message.text).toContain(
      'screenshot smoke/artifacts-checks/browser login (1)/test-failed-1.png',
    );
  });
});
