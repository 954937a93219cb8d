import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gonogo as run } from '../helpers/cli.ts';
import { loadConfigFile } from '../../config/load.ts';
import { loadKpiFile } from '../../config/kpis.ts';

describe('gonogo init', () => {
  it('scaffolds a config that validates, the default KPI file and .env.example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-init-'));
    const r = await run(['init', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Wrote gonogo\.config\.ts, kpis\.yaml, \.env\.example/);
    const env = Object.fromEntries(
      readFileSync(join(dir, '.env.example'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z0-9_]+=/.test(l))
        .map((l) => [l.slice(0, -1), `test-value-${l.length}`]),
    );
    const loaded = await loadConfigFile(join(dir, 'gonogo.config.ts'), env);
    expect(loaded.config.target.baseUrl).toBe('https://staging.example.com');
    expect(loaded.secrets.size).toBe(Object.keys(env).length);
    expect((await loadKpiFile(join(dir, loaded.config.kpis))).kpis.length).toBeGreaterThan(10);
  });

  it('refuses to overwrite existing files without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-init-'));
    writeFileSync(join(dir, 'kpis.yaml'), 'mine');
    const r = await run(['init', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/would overwrite kpis\.yaml/);
    expect(readFileSync(join(dir, 'kpis.yaml'), 'utf8')).toBe('mine');
    expect((await run(['init', '--dir', dir, '--force'])).code).toBe(0);
  });
});

describe('--help', () => {
  it('describes every option of run', async () => {
    const r = await run(['run', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--config',
      '--reference',
      '--flaws',
      '--suite',
      '--engine',
      '--quick',
      '--vus',
      '--duration',
      '--label',
      '--baseline',
      '--checklist',
      '--out',
    ]) {
      expect(r.out).toContain(flag);
    }
  });

  it('lists the commands', async () => {
    const r = await run(['--help']);
    for (const cmd of ['init', 'run', 'reference', 'compare', 'trend', 'checklist', 'audit', 'load', 'merge', 'k6'])
      expect(r.out).toMatch(new RegExp(`\\n  ${cmd}\\b`));
  });
});
