import { existsSync, readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSources, moduleFile, moduleProcess, packageFile, PACKAGE_ROOT } from '../../core/files.ts';
import { COMPARE_FORMATS } from '../../reports/commands.ts';
import { compareRenderers } from '../../reports/compare/render.ts';
import { TlsConfig, DepsConfig } from '../../security/config.ts';
import { DEPS_DEFAULTS, TLS_DEFAULTS } from '../../security/defaults.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const BIN = join(DIST, 'bin/gonogo.js');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  types: string;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** What `npm pack` would put in the tarball, from npm itself (the `files` list, .npmignore rules and npm's own always/never lists). */
let packed: string[] = [];
beforeAll(async () => {
  const r = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  packed = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}, 120_000);

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));

describe('the package layout', () => {
  it('bin, exports and types point at compiled JavaScript in dist/ with declarations, and those are packed', () => {
    const targets = [
      ...Object.values(pkg.bin),
      pkg.types,
      ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : [e.types, e.default])),
    ].map((p) => p.replace(/^\.\//, ''));
    for (const t of targets) {
      expect(existsSync(join(ROOT, t)), t).toBe(true);
      expect(packed, t).toContain(t);
    }
    expect(pkg.bin.gonogo).toMatch(/^dist\/.*\.js$/);
    const main = pkg.exports['.'] as { types: string; default: string };
    expect(main.default).toMatch(/^\.\/dist\/.*\.js$/);
    expect(main.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('ships no tests, fixtures of tests, TypeScript sources of compiled code or build info', () => {
    expect(packed.filter((p) => p.startsWith('test/'))).toEqual([]);
    expect(packed.filter((p) => /\.tsbuildinfo/.test(p))).toEqual([]);
    // A .ts file ships only as data a tool other than Node reads: k6 scripts, example and template configs.
    const ts = packed.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'));
    expect(ts.filter((p) => !/^(scenarios|examples|config\/defaults)\//.test(p))).toEqual([]);
    for (const p of ts) {
      if (p === 'scenarios/journey-core.ts' || p === 'scenarios/session-core.ts') continue; // k6 imports them beside journeys.ts; Node runs their compiled copies
      expect(existsSync(join(DIST, p.replace(/\.ts$/, '.js'))), `${p} is a source of compiled code`).toBe(false);
    }
  });

  it('every compiled module of the sources is packed, with its declaration', () => {
    const built = walk(DIST).filter((p) => p.endsWith('.js'));
    expect(built.length).toBeGreaterThan(100);
    for (const js of built) {
      expect(packed, js).toContain(js);
      expect(packed, js).toContain(js.replace(/\.js$/, '.d.ts'));
    }
  });

  it('every file the compiled code finds from the package root is packed', () => {
    const literal = /packageFile\(\s*(['"`])([^'"`$]+)(\$\{[^}]*\})?([^'"`]*)\1\s*\)/g;
    const wanted: Array<{ from: string; path: string; template: boolean }> = [];
    for (const js of walk(DIST).filter((p) => p.endsWith('.js'))) {
      for (const m of readFileSync(join(ROOT, js), 'utf8').matchAll(literal))
        wanted.push({ from: js, path: m[2]!, template: Boolean(m[3]) });
    }
    expect(wanted.map((w) => w.path)).toEqual(
      expect.arrayContaining([
        'config/defaults/kpis.yaml',
        'reports/report.schema.json',
        'scenarios/journeys.ts',
        'reference-app/static/',
      ]),
    );
    for (const w of wanted) {
      // A file, a folder (with or without its slash) or the fixed start of a templated path.
      const hit =
        packed.includes(w.path) ||
        packed.some((p) => p.startsWith(w.template || w.path.endsWith('/') ? w.path : `${w.path}/`));
      expect(hit, `${w.path} (used by ${w.from})`).toBe(true);
    }
    // The dialects' example configs, named through a template.
    for (const d of readdirSync(join(ROOT, 'examples'))) expect(packed).toContain(`examples/${d}/gonogo.config.ts`);
  });

  it('no compiled module names a TypeScript sibling by a literal URL (from dist it would not exist): moduleFile() picks .js there', () => {
    const literal = /new URL\(\s*(['"`])(\.{1,2}\/[^'"`]*\.ts)\1\s*,\s*import\.meta\.url\s*\)/g;
    const found: string[] = [];
    for (const js of walk(DIST).filter((p) => p.endsWith('.js'))) {
      for (const m of readFileSync(join(ROOT, js), 'utf8').matchAll(literal)) {
        // k6 loads these TypeScript files itself (it runs its own transpiler), from the shipped sources.
        if (!m[2]!.includes('scenarios/') && !m[2]!.endsWith('journeys.ts')) found.push(`${js}: ${m[2]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the Playwright specs ship compiled, so Playwright runs them from node_modules (it compiles no TypeScript there)', () => {
    const specs = packed.filter((p) => p.startsWith('dist/smoke/specs/') && p.endsWith('.spec.js'));
    const sources = walk(join(ROOT, 'smoke/specs')).filter((p) => p.endsWith('.spec.ts'));
    expect(specs.length).toBe(sources.length);
    expect(packed.some((p) => p.startsWith('smoke/specs/'))).toBe(false);
  });

  it('build tools are development dependencies only', () => {
    for (const tool of ['typescript', 'tsx', 'esbuild', 'vitest']) {
      expect(pkg.dependencies[tool], tool).toBeUndefined();
      expect(pkg.devDependencies[tool], tool).toBeDefined();
    }
  });
});

describe('finding files from the sources and from dist/', () => {
  it('the package root is the folder of package.json, from a source and from a compiled module', async () => {
    expect(PACKAGE_ROOT).toBe(ROOT.replace(/\/$/, ''));
    const r = await execa('node', [
      '--input-type=module',
      '-e',
      `import { PACKAGE_ROOT } from ${JSON.stringify(pathToFileURL(join(DIST, 'core/files.js')).href)}; console.log(PACKAGE_ROOT);`,
    ]);
    expect(r.stdout).toBe(PACKAGE_ROOT);
    expect(packageFile('config/defaults/kpis.yaml')).toBe(join(ROOT, 'config/defaults/kpis.yaml'));
  });

  it('a spawned module is the .ts source beside a source and the compiled .js beside a compiled module, and both exist', () => {
    const src = pathToFileURL(join(ROOT, 'cli/reference-target.ts')).href;
    const built = pathToFileURL(join(DIST, 'cli/reference-target.js')).href;
    expect(fromSources(src)).toBe(true);
    expect(fromSources(built)).toBe(false);
    expect(moduleProcess(src, '../reference-app/child.ts')).toEqual({
      file: join(ROOT, 'reference-app/child.ts'),
      execArgv: ['--import', 'tsx'],
    });
    expect(moduleProcess(built, '../reference-app/child.ts')).toEqual({
      file: join(DIST, 'reference-app/child.js'),
      execArgv: [],
    });
    for (const [from, rel] of [
      ['cli/reference-target', '../reference-app/child.ts'],
      ['load/autocannon/bundle', './worker.ts'],
      ['config/load', '../index.ts'],
    ] as const) {
      expect(existsSync(moduleFile(pathToFileURL(join(DIST, `${from}.js`)).href, rel)), `${from} -> ${rel}`).toBe(true);
      expect(existsSync(moduleFile(pathToFileURL(join(ROOT, `${from}.ts`)).href, rel)), `${from} -> ${rel}`).toBe(true);
    }
  });
});

/**
 * The layers, bottom first. A folder imports from the folders of lower layers only: never from a higher one, nor from
 * a sibling of its own layer (what two siblings share moves down to core/).
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['core', 'scenarios'],
  ['smoke', 'load', 'security'],
  ['config'],
  ['reports'],
  ['history'],
  ['reference-app'],
  ['cli'],
  ['bin', 'index.ts'],
];
const SUITES = new Set(LAYERS[1]);
// Tests and benchmarks are no layer: they may reach any file.
const NOT_SOURCES = new Set(['test', 'bench', 'docs', 'examples', 'dist', 'node_modules', 'results']);

interface Import {
  from: string;
  to: string;
  /** Erased at compile time: `import type`, or every name marked `type`. */
  typeOnly: boolean;
}

/** Every relative import of the sources (static, re-export, dynamic, `import('...').T`), read by the TypeScript parser. */
function sourceImports(): Import[] {
  const files = readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => !NOT_SOURCES.has(e.name) && !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? walk(join(ROOT, e.name)) : e.name === 'index.ts' ? [e.name] : []))
    .filter((p) => /\.m?ts$/.test(p) && !p.endsWith('.d.ts') && !p.split('/').includes('node_modules'));
  const found: Import[] = [];
  for (const from of files) {
    const sf = ts.createSourceFile(from, readFileSync(join(ROOT, from), 'utf8'), ts.ScriptTarget.Latest);
    const add = (spec: ts.Node | undefined, typeOnly: boolean) => {
      if (spec && ts.isStringLiteralLike(spec) && spec.text.startsWith('.'))
        found.push({ from, to: posix.join(posix.dirname(from), spec.text), typeOnly });
    };
    const visit = (n: ts.Node): void => {
      if (ts.isImportDeclaration(n)) {
        const c = n.importClause;
        const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
        add(
          n.moduleSpecifier,
          !!c && (c.isTypeOnly || (!c.name && !!named?.length && named.every((e) => e.isTypeOnly))),
        );
      } else if (ts.isExportDeclaration(n)) {
        const named = n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements : undefined;
        add(n.moduleSpecifier, n.isTypeOnly || (!!named?.length && named.every((e) => e.isTypeOnly)));
      } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(n.arguments[0], false);
      } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
        add(n.argument.literal, true);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

const folderOf = (p: string) => p.split('/')[0]!;
const layerOf = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

/** Each import that points up or sideways, as "from -> to"; a suite may take types from config/. */
function wrongWay(imports: Import[]): string[] {
  return imports
    .filter(({ from, to, typeOnly }) => {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a === b) return false;
      if (SUITES.has(a) && b === 'config' && typeOnly) return false;
      return layerOf(b) >= layerOf(a);
    })
    .map(({ from, to }) => `${from} -> ${to}`);
}

describe('layers point one way', () => {
  const imports = sourceImports();

  it('every folder of sources has a layer, and every import names a file that exists', () => {
    expect(imports.length).toBeGreaterThan(500);
    const folders = [...new Set(imports.flatMap((i) => [folderOf(i.from), folderOf(i.to)]))];
    expect(folders.filter((f) => layerOf(f) < 0)).toEqual([]);
    expect(imports.filter((i) => !existsSync(join(ROOT, i.to))).map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('no folder imports from a higher layer or a sibling; the suites take nothing from config/ but types', () => {
    expect(wrongWay(imports)).toEqual([]);
  });

  it('the rule sees what it must: a type from config/ is allowed to a suite only, and a runtime import of it is not', () => {
    const probe = (from: string, to: string, typeOnly: boolean) => wrongWay([{ from, to, typeOnly }]);
    expect(probe('smoke/lib/plan.ts', 'config/kpis.ts', true)).toEqual([]);
    expect(probe('smoke/index.ts', 'config/load.ts', false)).toEqual(['smoke/index.ts -> config/load.ts']);
    expect(probe('core/suite.ts', 'config/schema.ts', true)).toEqual(['core/suite.ts -> config/schema.ts']);
    expect(probe('smoke/index.ts', 'load/preflight.ts', false)).toEqual(['smoke/index.ts -> load/preflight.ts']);
    // A sibling suite's types are no exception: what two suites share lives in core/.
    expect(probe('load/accounts/register.ts', 'smoke/lib/plan.ts', true)).toEqual([
      'load/accounts/register.ts -> smoke/lib/plan.ts',
    ]);
    expect(probe('cli/run.ts', 'smoke/index.ts', false)).toEqual([]);
  });
});

/** The modules one command loads, from Node's module loader (a load hook that records each URL). */
const traceDir = mkdtempSync(join(tmpdir(), 'gonogo-trace-'));
afterAll(() => rmSync(traceDir, { recursive: true, force: true }));
async function loadedBy(args: string[]): Promise<{ exitCode: number | undefined; stdout: string; modules: string[] }> {
  const log = join(traceDir, `${args.join('_').replace(/\W+/g, '_')}.txt`);
  const hooks = join(traceDir, 'hooks.mjs');
  const register = join(traceDir, 'register.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, ctx, next) { appendFileSync(process.env.TRACE_LOG, url + '\\n'); return next(url, ctx); }\n`,
  );
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(log, '');
  const r = await execa('node', ['--import', register, BIN, ...args], {
    reject: false,
    env: { TRACE_LOG: log },
    timeout: 60_000,
  });
  // CommonJS packages required from ESM appear by their entry; their own requires do not, so packages are named by their folder.
  return { exitCode: r.exitCode, stdout: r.stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}
const packagesOf = (modules: string[]) => [
  ...new Set(
    modules.flatMap((u) => {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
      return m ? [m[1]!] : [];
    }),
  ),
];
const HEAVY = [
  '@playwright/test',
  'playwright',
  'playwright-core',
  'autocannon',
  'fastify',
  'better-sqlite3',
  'mailparser',
  'smtp-server',
  'stripe',
  'yaml',
  'zod',
  'execa',
  'jiti',
  'hdr-histogram-js',
  'node-forge',
];

describe('start-up loads only what a command uses', () => {
  it('--version and --help load the command line parser and no engine, browser driver, server or schema library', async () => {
    for (const args of [
      ['--version'],
      ['--help'],
      ['audit', 'tls', '--help'],
      ['audit', 'headers', '--help'],
      ['history', '--help'],
      ['serve', '--help'],
    ]) {
      const r = await loadedBy(args);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(packagesOf(r.modules), args.join(' ')).toEqual(['commander']);
      expect(r.modules.filter((u) => u.includes('/dist/')).length, args.join(' ')).toBeLessThan(30);
    }
    expect((await loadedBy(['--version'])).stdout).toBe(
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    );
  });

  it('audit tls and audit headers load their own modules and none of the other suites', async () => {
    const atStart = new Set((await loadedBy(['--help'])).modules);
    for (const args of [
      ['audit', 'tls', '127.0.0.1:1'],
      ['audit', 'headers', 'http://127.0.0.1:1/'],
    ]) {
      const r = await loadedBy(args);
      const added = r.modules.filter((u) => !atStart.has(u));
      expect(r.exitCode, args.join(' ')).not.toBe(0); // nothing listens there: the audit ran and judged
      const heavy = packagesOf(r.modules).filter((p) => HEAVY.includes(p) && p !== 'node-forge');
      expect(heavy, args.join(' ')).toEqual([]);
      expect(
        added.filter((u) => /\/dist\/(smoke|load|reference-app)\//.test(u)),
        args.join(' '),
      ).toEqual([]);
      expect(
        added.some((u) => u.includes(`/dist/security/${args[1]}/`)),
        args.join(' '),
      ).toBe(true);
    }
  });

  it("the defaults the ad hoc audits use are the config schema's defaults", () => {
    const tls = TlsConfig.parse({});
    expect({ concurrency: tls.concurrency, handshakeTimeoutMs: tls.handshakeTimeoutMs }).toEqual(TLS_DEFAULTS);
    const deps = DepsConfig.parse({});
    expect(deps.timeoutS).toBe(DEPS_DEFAULTS.timeoutS);
    expect(deps.source).toEqual({
      kind: 'osv-api',
      url: DEPS_DEFAULTS.osvApiUrl,
      timeoutMs: DEPS_DEFAULTS.osvApiTimeoutMs,
    });
    expect([...COMPARE_FORMATS].sort()).toEqual(Object.keys(compareRenderers).sort());
  });
});
