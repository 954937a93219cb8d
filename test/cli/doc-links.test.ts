import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** Files `init` copies into a user's project, and the sources (their messages and comments): their pointers into gonogo's docs must hold too. */
const SOURCE_DIRS = [
  'bin',
  'cli',
  'config',
  'core',
  'history',
  'load',
  'reference-app',
  'reports',
  'scenarios',
  'security',
  'smoke',
];
const TEMPLATES = [
  ...readdirSync(join(ROOT, 'config/defaults')).map((f) => `config/defaults/${f}`),
  ...SOURCE_DIRS.flatMap((d) =>
    (readdirSync(join(ROOT, d), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${d}/${f}`),
  ),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** Every link target of a Markdown file: inline, reference definitions and HTML hrefs; code is not read. */
function links(markdown: string): string[] {
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!),
  ];
}

describe('links in the README and docs/', () => {
  let shipped: Set<string>;
  beforeAll(async () => {
    const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    shipped = new Set((JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
  }, 60_000);

  it('point only to files the npm package ships, and to headings that exist', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      for (const link of links(readFileSync(join(ROOT, file), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path ? relative(ROOT, normalize(join(ROOT, dirname(file), decodeURI(path)))) : file;
        if (!shipped.has(target)) broken.push(`${file}: ${link} (${target} is not in the package)`);
        else if (anchor && target.endsWith('.md') && !anchors(readFileSync(join(ROOT, target), 'utf8')).has(anchor))
          broken.push(`${file}: ${link} (no such heading in ${target})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('name in the init template and the sources only docs that ship, and their sections as headed', () => {
    const broken: string[] = [];
    for (const file of TEMPLATES) {
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(
        /(?<![\w/.-])(docs\/[\w-]+\.md)(?:, "([^"]+)")?/g,
      )) {
        const [, doc, section] = m as unknown as [string, string, string | undefined];
        if (!shipped.has(doc)) {
          broken.push(`${file}: ${doc} is not in the package`);
          continue;
        }
        const headings = [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/^#{1,6}\s+(.+)$/gm)].map((h) =>
          h[1]!.replace(/`/g, ''),
        );
        if (section && !headings.some((h) => h === section)) broken.push(`${file}: ${doc} has no heading "${section}"`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the anchor rule', () => {
  it('follows GitHub: code spans, punctuation and repeats', () => {
    expect([
      ...anchors('# A\n## `smoke`: mapping the flows\n### The rate-limit model\n## A\n```\n# not a heading\n```\n'),
    ]).toEqual(['a', 'smoke-mapping-the-flows', 'the-rate-limit-model', 'a-1']);
  });
});
