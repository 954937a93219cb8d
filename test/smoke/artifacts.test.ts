import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { keepArtifacts, redactTrace } from '../../smoke/artifacts.ts';
import { Redactor } from '../../reports/redact.ts';
import { check } from '../helpers/report.ts';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x80, 0x81, 0xfe]);

describe('browser artifacts', () => {
  it('a trace keeps its binary entries and loses every secret in its text entries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-trace-'));
    const file = join(dir, 'trace.zip');
    await writeFile(file, zipSync({
      'test.trace': strToU8('{"type":"action","method":"fill","params":{"value":"Sup3r-Secret-pw"}}\n'),
      'resources/body.json': strToU8('{"access_token":"abc","note":"Sup3r-Secret-pw"}'),
      'screencast/frame.jpeg': JPEG,
    }));
    await redactTrace(file, new Redactor(['Sup3r-Secret-pw']));
    const out = unzipSync(new Uint8Array(await readFile(file)));
    expect(Object.keys(out).sort()).toEqual(['resources/body.json', 'screencast/frame.jpeg', 'test.trace']);
    expect(strFromU8(out['test.trace']!)).toBe('{"type":"action","method":"fill","params":{"value":"[redacted]"}}\n');
    expect(strFromU8(out['resources/body.json']!)).not.toMatch(/Sup3r|"abc"/);
    expect([...out['screencast/frame.jpeg']!]).toEqual([...JPEG]);
  });

  it('paths become relative to the report; a file Playwright named but did not leave is dropped with a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-artifacts-'));
    const shot = join(dir, 'smoke', 'shot.png');
    await mkdir(join(dir, 'smoke'));
    await writeFile(shot, 'png');
    const c = check('browser.login-page', 'fail', { evidence: { message: 'x', artifacts: [
      { kind: 'screenshot', path: shot, contentType: 'image/png' },
      { kind: 'trace', path: join(dir, 'smoke', 'gone.zip'), contentType: 'application/zip' },
    ] } });
    const r = await keepArtifacts([c], { reportDir: dir, redactor: new Redactor() });
    expect(r.checks[0]!.evidence.artifacts).toEqual([{ kind: 'screenshot', path: 'smoke/shot.png', contentType: 'image/png' }]);
    expect(r.warnings).toEqual([expect.stringMatching(/^browser.login-page: the trace Playwright reported at .*gone\.zip could not be kept/)]);
  });
});
