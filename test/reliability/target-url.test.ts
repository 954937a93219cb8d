import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { findK6 } from '../../load/k6/binary.ts';

const BIN = new URL('../../dist/bin/gonogo.js', import.meta.url).pathname;
const hasK6 = (await findK6()) !== null;

function project(baseUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-url-'));
  writeFileSync(join(dir, 'gonogo.config.ts'), `export default { target: { baseUrl: ${JSON.stringify(baseUrl)} } };\n`);
  copyFileSync(DEFAULT_KPI_FILE, join(dir, 'kpis.yaml'));
  return join(dir, 'gonogo.config.ts');
}

// A scratch working directory: a run that wrongly went ahead must not leave results/ in the repository.
const gonogo = (args: string[], cwd = mkdtempSync(join(tmpdir(), 'gonogo-url-cwd-'))) =>
  execa('node', [BIN, ...args], { reject: false, cwd, env: { GONOGO_DEBUG: '' } });

describe('a base URL that cannot be joined or would leak is refused before anything runs', () => {
  it.each([
    ['https://127.0.0.1:9/app?tenant=a', /target\.baseUrl: no query string or fragment/],
    ['https://127.0.0.1:9/app#x', /target\.baseUrl: no query string or fragment/],
    ['https://127.0.0.1:0/', /target\.baseUrl: port 0/],
  ])('%s is a config error', async (url, message) => {
    const r = await gonogo(['run', '--config', project(url), '--suite', 'security']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a password in the URL is a config error whose message does not repeat it', async () => {
    const r = await gonogo([
      'run',
      '--config',
      project('https://qa:Url-Pass-6612@127.0.0.1:9/'),
      '--suite',
      'security',
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/target\.baseUrl: no user name or password/);
    expect(r.stdout + r.stderr).not.toContain('Url-Pass-6612');
  });

  it('the ad hoc commands refuse port 0 and credentials in their URL', async () => {
    for (const args of [
      ['load', 'http://127.0.0.1:0/'],
      ['audit', 'headers', 'https://127.0.0.1:0/'],
      ['load', 'http://qa:Url-Pass-6612@127.0.0.1:9/'],
    ]) {
      const r = await gonogo(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/port 0|user name or password/);
      expect(r.stderr).not.toContain('Url-Pass-6612');
    }
  });
});

describe('gonogo load', () => {
  // k6 is the engine that writes raw files (its plan and summaries); autocannon writes none.
  it.skipIf(!hasK6)(
    'leaves nothing in the working directory, and keeps the raw files only where --out says',
    async () => {
      const server = createServer((_req, res) => res.end('ok'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      try {
        const cwd = mkdtempSync(join(tmpdir(), 'gonogo-adhoc-'));
        const args = ['load', url, '--engine', 'k6', '--vus', '2', '--duration', '1s', '--json'];
        const r = await gonogo(args, cwd);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).requests).toBeGreaterThan(0);
        expect(readdirSync(cwd)).toEqual([]);
        const kept = await gonogo([...args, '--out', 'raw'], cwd);
        expect(kept.exitCode, kept.stderr).toBe(0);
        expect(readdirSync(cwd)).toEqual(['raw']);
        expect(existsSync(join(cwd, 'raw', 'k6-plan.json'))).toBe(true);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    },
    90_000,
  );
});
