import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scaffold } from '../../cli/init.ts';

const RECIPES = new URL('../../docs/ci-recipes.md', import.meta.url);
const doc = readFileSync(RECIPES, 'utf8');
const ACTIONLINT_VERSION = 'v1.7.12';
const inCi = process.env.CI === 'true';

/** The fenced ```yaml blocks of the recipes page, with the workflow path named just above each (`.github/workflows/x.yml`). */
function yamlBlocks(): Array<{ name: string; text: string; workflow: Record<string, unknown> }> {
  const blocks: Array<{ name: string; text: string; workflow: Record<string, unknown> }> = [];
  for (const m of doc.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
    const before = doc.slice(0, m.index);
    const name =
      [...before.matchAll(/`(\.github\/workflows\/[\w.-]+\.ya?ml|\.gitlab-ci\.yml)`/g)].at(-1)?.[1] ??
      `block-${blocks.length + 1}.yml`;
    blocks.push({ name, text: m[1]!, workflow: parse(m[1]!) as Record<string, unknown> });
  }
  return blocks;
}

/** The rows of the first Markdown table after a heading, as their first cell's backticked names. */
function tableNames(heading: string, after = 0): string[] {
  const start = doc.indexOf(heading);
  if (start < 0) throw new Error(`docs/ci-recipes.md has no "${heading}"`);
  const lines = doc.slice(start).split('\n');
  let i = lines.findIndex((l, n) => n > after && l.startsWith('|'));
  const names: string[] = [];
  for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const first = lines[i]!.split('|')[1]!;
    for (const n of first.matchAll(/`([^`]+)`/g)) names.push(n[1]!);
  }
  return names;
}

function envNames(workflow: Record<string, unknown>): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'env' && v && typeof v === 'object') for (const name of Object.keys(v)) names.add(name);
      visit(v);
    }
  };
  visit(workflow);
  return [...names];
}

async function initNames(): Promise<{ files: string[]; env: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-recipes-'));
  const files = await scaffold(dir, false);
  const env = readFileSync(join(dir, '.env.example'), 'utf8')
    .split('\n')
    .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n));
  const config = readFileSync(join(dir, 'gonogo.config.ts'), 'utf8');
  // The names the generated config reads: passwordEnv / secretEnv / …Env values and {{env.X}} templates.
  const read = [
    ...config.matchAll(/\w*Env:\s*'([A-Z][A-Z0-9_]*)'/g),
    ...config.matchAll(/\{\{env\.([A-Z][A-Z0-9_]*)\}\}/g),
  ].map((m) => m[1]!);
  expect(
    read.filter((n) => !env.includes(n)),
    'names the generated config reads but .env.example omits',
  ).toEqual([]);
  return { files, env };
}

describe('docs/ci-recipes.md and gonogo init', () => {
  const blocks = yamlBlocks();
  const workflows = blocks.filter((b) => b.workflow && 'jobs' in b.workflow && 'on' in b.workflow);

  it('has the nightly and release workflows', () => {
    expect(workflows.map((w) => w.name)).toEqual([
      '.github/workflows/gonogo-nightly.yml',
      '.github/workflows/gonogo-release.yml',
    ]);
  });

  it("every variable a recipe sets is one init writes or one the page documents as the workflow's own, and every one init writes is set", async () => {
    const { env } = await initNames();
    const documented = tableNames('## Variables and files');
    expect(documented).toEqual(expect.arrayContaining(env));
    for (const w of workflows) {
      const names = envNames(w.workflow);
      expect(
        names.filter((n) => !env.includes(n) && !documented.includes(n)),
        `${w.name}: variables neither init writes nor the page documents`,
      ).toEqual([]);
      expect(
        env.filter((n) => !names.includes(n)),
        `${w.name}: variables init writes that the recipe never sets`,
      ).toEqual([]);
      // A secret reaches gonogo under its own name: the repository secret has the name of the variable.
      for (const n of env) expect(w.text).toContain(`${n}: \${{ secrets.${n} }}`);
    }
  });

  it("every file a recipe names is written by init or listed in the page's table of files", async () => {
    const { files } = await initNames();
    const listed = tableNames('Files the recipes name:');
    const covered = (f: string) =>
      files.includes(f) ||
      listed.some(
        (l) =>
          l === f ||
          (l.endsWith('…') && f.startsWith(l.slice(0, -1))) ||
          (l.includes('*') && new RegExp(`^${l.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]+')}$`).test(f)),
      );
    for (const b of blocks) {
      const named = [...b.text.matchAll(/(?<![\w$/.-])((?:[\w-]+\/)*[\w-]+\.(?:ts|ya?ml|json|md|html|sarif))\b/g)].map(
        (m) => m[1]!,
      );
      expect(
        named.filter((f) => !covered(f)),
        `${b.name}: files neither init writes nor the page lists`,
      ).toEqual([]);
    }
    // The same holds for the prose: a file the page tells the reader to create is in the table.
    expect(listed).toContain('docs/launch-checklist.md');
  });
});

function findActionlint(): string | null {
  for (const bin of [join(homedir(), 'go/bin/actionlint'), 'actionlint']) {
    const r = execaSync(bin, ['-version'], { reject: false });
    if (r.exitCode === 0) return bin;
  }
  return null;
}

const actionlint = findActionlint();

// CI installs actionlint (.ci/run), so there a missing binary fails below; elsewhere the test says why it skips.
describe.skipIf(!actionlint && !inCi)(
  `actionlint on the recipes${actionlint || inCi ? '' : ` (skipped: actionlint not installed; go install github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION})`}`,
  () => {
    it('finds nothing in either GitHub Actions workflow (with shellcheck on the run scripts when installed)', async () => {
      if (!actionlint)
        throw new Error(
          `actionlint is not installed but CI=true: .ci/run installs it with go install github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`,
        );
      const repo = mkdtempSync(join(tmpdir(), 'gonogo-actionlint-'));
      mkdirSync(join(repo, '.github/workflows'), { recursive: true });
      const workflows = yamlBlocks().filter((b) => b.name.startsWith('.github/workflows/'));
      expect(workflows).toHaveLength(2);
      for (const w of workflows) writeFileSync(join(repo, w.name), w.text);
      const r = await execa(actionlint, ['-no-color', ...workflows.map((w) => w.name)], {
        cwd: repo,
        reject: false,
        timeout: 60_000,
      });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.exitCode).toBe(0);
    }, 60_000);

    it('reports a broken workflow (the positive control)', async () => {
      if (!actionlint) throw new Error('actionlint is not installed');
      const repo = mkdtempSync(join(tmpdir(), 'gonogo-actionlint-'));
      mkdirSync(join(repo, '.github/workflows'), { recursive: true });
      const [nightly] = yamlBlocks();
      writeFileSync(
        join(repo, '.github/workflows/broken.yml'),
        nightly!.text
          .replace('steps.gonogo.outputs.code', 'steps.gonogo.outptus.code')
          .replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    timeout-minutes: soon'),
      );
      const r = await execa(actionlint, ['-no-color', '.github/workflows/broken.yml'], {
        cwd: repo,
        reject: false,
        timeout: 60_000,
      });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/timeout-minutes/);
    }, 60_000);
  },
);
