import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPortProject, gonogoChild } from './child.ts';

/** An --out gonogo cannot write to is a usage error found before the config loads and any suite runs. */
describe('gonogo run --out that cannot be written', () => {
  const project = closedPortProject();
  const file = join(project.dir, 'a-file');
  writeFileSync(file, 'not a directory');

  it.each([
    ['a read-only file system location', '/sys/gonogo-out', '/sys is not writable'],
    ['a nested path in a read-only location', '/sys/gonogo/out/run', '/sys is not writable'],
    ['an existing file', file, 'this is a file, not a directory'],
    ['a path below a file', join(file, 'sub', 'run'), `${file} is a file, not a directory`],
  ])('%s -> exit 2 before any suite starts', async (_, out, needle) => {
    const r = await gonogoChild(['run', '--config', project.config, '--suite', 'security', '--out', out]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`Usage error: --out ${out}: `);
    expect(r.err).toContain(needle);
    expect(r.err).not.toMatch(/Harness error|starting/);
  });

  it('with --reference, the platform is not even started', async () => {
    const r = await gonogoChild(['run', '--reference', '--suite', 'security', '--out', '/sys/gonogo-out']);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('Usage error: --out /sys/gonogo-out');
    expect(r.err).not.toContain('reference platform at');
  });

  it.skipIf(process.getuid?.() === 0)('a directory without write permission (not testable as root)', async () => {
    const dir = join(project.dir, 'locked');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const r = await gonogoChild(['run', '--config', project.config, '--suite', 'security', '--out', join(dir, 'run')]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('is not writable');
  });

  it('a new nested directory is fine and the probe leaves nothing behind (positive control)', async () => {
    const out = join(project.dir, 'deep', 'er', 'run');
    const r = await gonogoChild(['run', '--config', project.config, '--suite', 'security', '--out', out]);
    expect(r.code, r.err).toBe(1);
    expect(readdirSync(project.dir).filter((n) => n.startsWith('.gonogo-write-test'))).toEqual([]);
    expect(readdirSync(out)).toContain('report.json');
  });
});
