import { parse as parseToml } from 'smol-toml';
import { LockfileError, normalizePypiName, type LockedPackage, type ParsedLockfile } from '../types.ts';

/**
 * requirements.txt: only pinned lines (`name==1.2.3`) can be audited; others are listed as skipped.
 * pip-compile's "# via" annotations tell direct (via -r/-c files) from transitive entries; without them, direct is unknown.
 */
export function parseRequirements(text: string, file: string): ParsedLockfile {
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  // Backslash continuations (hashes) belong to the line before.
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  let current: LockedPackage | undefined;
  let via: string[] = [];
  let inVia = false;
  const settle = (): void => {
    if (current && via.length) current.direct = via.some((v) => /^-[rc]\s/.test(v) || /\.(in|txt)$/.test(v) || v === 'pyproject.toml' || v === 'setup.py' || v === 'setup.cfg');
    current = undefined;
    via = [];
  };
  for (const raw of lines) {
    const line = raw.trim();
    const viaMatch = /^#\s*via\b\s*(.*)$/.exec(line);
    if (viaMatch) { inVia = true; if (viaMatch[1]) via.push(viaMatch[1].trim()); continue; }
    if (inVia && /^#\s+\S/.test(line)) { via.push(line.replace(/^#\s+/, '')); continue; }
    inVia = false;
    if (line === '' || line.startsWith('#')) continue;
    settle();
    if (line.startsWith('-')) { if (!/^--?(hash|index-url|extra-index-url|trusted-host|find-links|r|c|requirement|constraint)\b/.test(line)) skipped.push(line); continue; }
    const spec = line.split(/\s+#/)[0]!.split(';')[0]!.trim().split(/\s+--hash/)[0]!.trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*([^\s,]+)$/.exec(spec);
    if (!m || m[3]!.includes('*')) { skipped.push(spec); continue; }
    current = { ecosystem: 'PyPI', name: normalizePypiName(m[1]!), version: m[3]!, direct: null, file };
    packages.push(current);
  }
  settle();
  return { file, format: 'requirements', ecosystem: 'PyPI', packages, skipped };
}

/** Names a pyproject.toml declares (PEP 621 [project] and Poetry's tables), to mark direct entries of poetry.lock. */
export function pyprojectDeclared(text: string): Set<string> {
  const doc = parseToml(text) as { project?: { dependencies?: string[]; 'optional-dependencies'?: Record<string, string[]> }; tool?: { poetry?: { dependencies?: Record<string, unknown>; 'dev-dependencies'?: Record<string, unknown>; group?: Record<string, { dependencies?: Record<string, unknown> }> } } };
  const names = new Set<string>();
  const fromPep508 = (s: string) => { const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(s); if (m) names.add(normalizePypiName(m[1]!)); };
  doc.project?.dependencies?.forEach(fromPep508);
  Object.values(doc.project?.['optional-dependencies'] ?? {}).flat().forEach(fromPep508);
  const poetry = doc.tool?.poetry;
  for (const table of [poetry?.dependencies, poetry?.['dev-dependencies'], ...Object.values(poetry?.group ?? {}).map((g) => g.dependencies)]) {
    for (const n of Object.keys(table ?? {})) if (n.toLowerCase() !== 'python') names.add(normalizePypiName(n));
  }
  return names;
}

/** poetry.lock (TOML, [[package]] tables); direct entries come from the sibling pyproject.toml when there is one. */
export function parsePoetryLock(text: string, file: string, pyproject?: string): ParsedLockfile {
  let doc: { package?: Array<{ name: string; version: string; category?: string; source?: { type?: string } }> };
  try {
    doc = parseToml(text) as typeof doc;
  } catch (e) {
    throw new LockfileError(`${file}: not valid TOML`, { cause: e });
  }
  if (!Array.isArray(doc.package)) throw new LockfileError(`${file}: no [[package]] tables, not a poetry.lock`);
  const declared = pyproject ? pyprojectDeclared(pyproject) : null;
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const p of doc.package) {
    if (p.source?.type && p.source.type !== 'legacy') { skipped.push(`${p.name} (${p.source.type})`); continue; }
    const name = normalizePypiName(p.name);
    packages.push({ ecosystem: 'PyPI', name, version: p.version, direct: declared ? declared.has(name) : null, dev: p.category === 'dev', file });
  }
  return { file, format: 'poetry', ecosystem: 'PyPI', packages, skipped };
}

/** Pipfile.lock (JSON: default and develop sections); direct entries come from the sibling Pipfile when there is one. */
export function parsePipfileLock(text: string, file: string, pipfile?: string): ParsedLockfile {
  let doc: { _meta?: unknown; default?: Record<string, { version?: string; git?: string; path?: string }>; develop?: Record<string, { version?: string }> };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    throw new LockfileError(`${file}: not valid JSON`, { cause: e });
  }
  if (!doc._meta) throw new LockfileError(`${file}: no _meta section, not a Pipfile.lock`);
  let declared: Set<string> | null = null;
  if (pipfile) {
    const pf = parseToml(pipfile) as { packages?: Record<string, unknown>; 'dev-packages'?: Record<string, unknown> };
    declared = new Set([...Object.keys(pf.packages ?? {}), ...Object.keys(pf['dev-packages'] ?? {})].map(normalizePypiName));
  }
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const [section, dev] of [['default', false], ['develop', true]] as const) {
    for (const [rawName, entry] of Object.entries(doc[section] ?? {})) {
      const m = /^===?(.+)$/.exec(entry.version ?? '');
      if (!m) { skipped.push(`${rawName} (not pinned)`); continue; }
      const name = normalizePypiName(rawName);
      packages.push({ ecosystem: 'PyPI', name, version: m[1]!, direct: declared ? declared.has(name) : null, dev, file });
    }
  }
  return { file, format: 'pipfile', ecosystem: 'PyPI', packages, skipped };
}
