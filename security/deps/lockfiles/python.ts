import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { LockfileError, normalizePypiName, type LockedPackage, type ParsedLockfile } from '../types.ts';
import { parseJson, shaped } from './shape.ts';

/** An include line of a requirements file: `-r`/`--requirement` adds another file's requirements, `-c`/`--constraint` its pins. */
export interface RequirementsInclude {
  kind: 'requirement' | 'constraint';
  path: string;
  line: number;
}

const INCLUDE_RE = /^(?:-([rc])\s*|--(requirement|constraint)(?:\s*=\s*|\s+))(\S.*)$/;

function tomlOf(text: string, file: string, what: string): unknown {
  try {
    return parseToml(text);
  } catch (e) {
    throw new LockfileError(
      `${file}: ${what} is not valid TOML (${(e as Error).message.split('\n')[0]}); is it truncated?`,
      { cause: e },
    );
  }
}

/**
 * requirements.txt: only pinned lines (`name==1.2.3`) can be audited; others are listed as skipped.
 * pip-compile's "# via" annotations tell direct (via -r/-c files) from transitive entries; without them, direct is unknown.
 */
export function parseRequirements(text: string, file: string): ParsedLockfile {
  return scanRequirements(text, file).lockfile;
}

/** Lines with backslash continuations (hashes) joined to the line they continue, each with the number of its first line; CR, CRLF and LF all end a line. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let pending: { text: string; line: number } | null = null;
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const joined = pending ? { text: `${pending.text} ${raw}`, line: pending.line } : { text: raw, line: i + 1 };
    if (raw.endsWith('\\')) pending = { text: joined.text.slice(0, -1), line: joined.line };
    else {
      out.push(joined);
      pending = null;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/** parseRequirements, plus the -r/-c include lines for the reader to follow. */
export function scanRequirements(
  text: string,
  file: string,
): { lockfile: ParsedLockfile; includes: RequirementsInclude[] } {
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  const includes: RequirementsInclude[] = [];
  const lines = logicalLines(text);
  let current: LockedPackage | undefined;
  let via: string[] = [];
  let inVia = false;
  const settle = (): void => {
    if (current && via.length)
      current.direct = via.some(
        (v) =>
          /^-[rc]\s/.test(v) ||
          /\.(in|txt)$/.test(v) ||
          v === 'pyproject.toml' ||
          v === 'setup.py' ||
          v === 'setup.cfg',
      );
    current = undefined;
    via = [];
  };
  for (const { text: raw, line: lineNo } of lines) {
    const line = raw.trim();
    const viaMatch = /^#\s*via\b\s*(.*)$/.exec(line);
    if (viaMatch) {
      inVia = true;
      if (viaMatch[1]) via.push(viaMatch[1].trim());
      continue;
    }
    if (inVia && /^#\s+\S/.test(line)) {
      via.push(line.replace(/^#\s+/, ''));
      continue;
    }
    inVia = false;
    if (line === '' || line.startsWith('#')) continue;
    settle();
    if (line.startsWith('-')) {
      const inc = INCLUDE_RE.exec(line.replace(/\s+#.*$/, ''));
      if (inc)
        includes.push({
          kind: (inc[1] ?? inc[2]!).startsWith('r') ? 'requirement' : 'constraint',
          path: inc[3]!.trim(),
          line: lineNo,
        });
      else if (!/^--?(hash|index-url|extra-index-url|trusted-host|find-links)\b/.test(line)) skipped.push(line);
      continue;
    }
    const spec = line
      .split(/\s+#/)[0]!
      .split(';')[0]!
      .trim()
      .split(/\s+--hash/)[0]!
      .trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*([^\s,]+)$/.exec(spec);
    if (!m || m[3]!.includes('*')) {
      skipped.push(spec);
      continue;
    }
    current = { ecosystem: 'PyPI', name: normalizePypiName(m[1]!), version: m[3]!, direct: null, file };
    packages.push(current);
  }
  settle();
  return { lockfile: { file, format: 'requirements', ecosystem: 'PyPI', packages, skipped }, includes };
}

/** Names a pyproject.toml declares (PEP 621 [project] and Poetry's tables), to mark direct entries of poetry.lock. */
export function pyprojectDeclared(text: string, file = 'pyproject.toml'): Set<string> {
  const doc = tomlOf(text, file, 'pyproject.toml') as {
    project?: { dependencies?: string[]; 'optional-dependencies'?: Record<string, string[]> };
    tool?: {
      poetry?: {
        dependencies?: Record<string, unknown>;
        'dev-dependencies'?: Record<string, unknown>;
        group?: Record<string, { dependencies?: Record<string, unknown> }>;
      };
    };
  };
  const names = new Set<string>();
  const fromPep508 = (s: string) => {
    const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(s);
    if (m) names.add(normalizePypiName(m[1]!));
  };
  doc.project?.dependencies?.forEach(fromPep508);
  Object.values(doc.project?.['optional-dependencies'] ?? {})
    .flat()
    .forEach(fromPep508);
  const poetry = doc.tool?.poetry;
  for (const table of [
    poetry?.dependencies,
    poetry?.['dev-dependencies'],
    ...Object.values(poetry?.group ?? {}).map((g) => g.dependencies),
  ]) {
    for (const n of Object.keys(table ?? {})) if (n.toLowerCase() !== 'python') names.add(normalizePypiName(n));
  }
  return names;
}

/** poetry.lock (TOML, [[package]] tables); direct entries come from the sibling pyproject.toml when there is one. */
const PoetryLock = z.object({
  package: z.array(
    z.object({
      name: z.string().min(1),
      version: z.string().min(1),
      category: z.string().optional(),
      source: z.object({ type: z.string().optional() }).optional(),
    }),
    { error: 'no [[package]] tables: not a poetry.lock' },
  ),
});

export function parsePoetryLock(text: string, file: string, pyproject?: string): ParsedLockfile {
  const doc = shaped(PoetryLock, tomlOf(text, file, 'the lockfile'), file, 'poetry.lock');
  const declared = pyproject ? pyprojectDeclared(pyproject, `the pyproject.toml beside ${file}`) : null;
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const p of doc.package) {
    if (p.source?.type && p.source.type !== 'legacy') {
      skipped.push(`${p.name} (${p.source.type})`);
      continue;
    }
    const name = normalizePypiName(p.name);
    packages.push({
      ecosystem: 'PyPI',
      name,
      version: p.version,
      direct: declared ? declared.has(name) : null,
      dev: p.category === 'dev',
      file,
    });
  }
  return { file, format: 'poetry', ecosystem: 'PyPI', packages, skipped };
}

/** Pipfile.lock (JSON: default and develop sections); direct entries come from the sibling Pipfile when there is one. */
const PipfileSection = z.record(z.string(), z.object({ version: z.string().optional() }));
const PipfileLock = z.object({
  _meta: z.object({}, { error: 'no _meta section: not a Pipfile.lock' }),
  default: PipfileSection.optional(),
  develop: PipfileSection.optional(),
});

export function parsePipfileLock(text: string, file: string, pipfile?: string): ParsedLockfile {
  const doc = shaped(PipfileLock, parseJson(text, file), file, 'Pipfile.lock');
  let declared: Set<string> | null = null;
  if (pipfile) {
    const pf = tomlOf(pipfile, `the Pipfile beside ${file}`, 'the Pipfile') as {
      packages?: Record<string, unknown>;
      'dev-packages'?: Record<string, unknown>;
    };
    declared = new Set(
      [...Object.keys(pf.packages ?? {}), ...Object.keys(pf['dev-packages'] ?? {})].map(normalizePypiName),
    );
  }
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const [section, dev] of [
    ['default', false],
    ['develop', true],
  ] as const) {
    for (const [rawName, entry] of Object.entries(doc[section] ?? {})) {
      const m = /^===?(.+)$/.exec(entry.version ?? '');
      if (!m) {
        skipped.push(`${rawName} (not pinned)`);
        continue;
      }
      const name = normalizePypiName(rawName);
      packages.push({
        ecosystem: 'PyPI',
        name,
        version: m[1]!,
        direct: declared ? declared.has(name) : null,
        dev,
        file,
      });
    }
  }
  return { file, format: 'pipfile', ecosystem: 'PyPI', packages, skipped };
}
