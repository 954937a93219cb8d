import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { generateCerts } from '../../reference-app/certs.ts';
import { OSV_DEMO_DIR } from '../../reference-app/index.ts';
import { closedPortProject, gonogoChild } from './child.ts';

/**
 * The files read besides lockfiles, checklists and reports: the KPI file, CA bundles (--ca, target.caFile,
 * security.tls.caFile), the config module itself and merge shards (LoadResult JSON, k6 NDJSON). Each is
 * read like every input: a FIFO or device is refused at once instead of waited on, sizes are capped,
 * encodings decoded or refused, and the message names the file; exit 2, nothing started, no report.
 */
const root = mkdtempSync(join(tmpdir(), 'gonogo-input-files-'));
let n = 0;
const dir = (): string => {
  const d = join(root, String(n++));
  mkdirSync(d);
  return d;
};
const mkfifo = async (path: string): Promise<string> => {
  await execa('mkfifo', [path]);
  return path;
};
const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const PEM = (await generateCerts({ validDays: 30 })).caPem;
const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at |Harness error/);

async function runSecurity(p: { dir: string; config: string }, cwd?: string) {
  const out = join(p.dir, 'out');
  const r = await gonogoChild(['run', '--config', p.config, '--suite', 'security', '--out', out], {
    timeoutMs: 45_000,
    ...(cwd ? { cwd } : {}),
  });
  return { ...r, out, report: existsSync(join(out, 'report.json')) };
}

describe('the KPI file', () => {
  const cases: Array<[string, (file: string) => Promise<void> | void, RegExp]> = [
    [
      'a FIFO',
      async (f) => {
        await mkfifo(f);
      },
      /is a FIFO \(named pipe\), not a regular file/,
    ],
    [
      'a directory',
      (f) => {
        mkdirSync(f);
      },
      /is a directory, not a regular file/,
    ],
    [
      '5 MiB of YAML',
      (f) => {
        writeFileSync(f, `# padding\n${'#'.repeat(5 * 1024 * 1024)}\n`);
      },
      /the largest KPI file gonogo reads is 4 MiB/,
    ],
    [
      'UTF-16 without a byte-order mark',
      (f) => {
        writeFileSync(f, Buffer.from(readFileSync(DEFAULT_KPI_FILE, 'utf8'), 'utf16le'));
      },
      /looks like UTF-16LE without a byte-order mark/,
    ],
    [
      'binary with a NUL byte',
      (f) => {
        writeFileSync(f, Buffer.from('version: 1\n\0\0profile: {}\n'));
      },
      /contains a NUL byte on line 2/,
    ],
    ['missing', () => {}, /cannot read the KPI file .*: ENOENT\. Create one with `gonogo init`/],
  ];
  it.each(cases)('%s -> exit 2 naming it, no suite started, no report', async (_, make, message) => {
    const p = closedPortProject();
    const file = join(p.dir, 'kpis-hostile.yaml');
    writeFileSync(
      p.config,
      `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 }, kpis: './kpis-hostile.yaml' };\n`,
    );
    await make(file);
    const r = await runSecurity(p);
    expect({ code: r.code, timedOut: r.timedOut, report: r.report }, r.err).toEqual({
      code: 2,
      timedOut: false,
      report: false,
    });
    expect(r.err).toContain(`Config error in ${file}: `);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/starting/);
    noTrace(r.err);
  });

  it('UTF-16 with a byte-order mark is decoded: the run goes ahead and judges (positive control)', async () => {
    const p = closedPortProject();
    writeFileSync(p.kpis, utf16le(readFileSync(p.kpis, 'utf8')));
    const r = await runSecurity(p);
    expect(r.code, r.err).toBe(1);
    expect(r.report).toBe(true);
    expect(JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')).kpis.length).toBeGreaterThan(10);
  });
});

describe('CA bundles', () => {
  const caCases: Array<[string, (file: string) => Promise<string> | string, RegExp]> = [
    ['a FIFO', async (f) => mkfifo(f), /the CA file .* is a FIFO \(named pipe\), not a regular file/],
    ['a character device', () => '/dev/zero', /the CA file \/dev\/zero is a character device, not a regular file/],
    [
      'a private key instead of a certificate',
      (f) => {
        writeFileSync(f, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
        return f;
      },
      /holds no PEM certificate/,
    ],
    [
      'a DER file',
      (f) => {
        writeFileSync(f, Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00]));
        return f;
      },
      /holds no PEM certificate .*openssl x509 -inform der/,
    ],
    [
      '17 MiB',
      (f) => {
        writeFileSync(f, `${PEM}${'#'.repeat(17 * 1024 * 1024)}`);
        return f;
      },
      /the largest CA file gonogo reads is 16 MiB/,
    ],
    ['missing', (f) => f, /cannot read the CA file .*: ENOENT/],
  ];

  it.each(caCases)(
    '--ca naming %s: audit tls and audit headers exit 2 at once, naming it',
    async (_, make, message) => {
      const file = await make(join(dir(), 'ca.pem'));
      for (const args of [
        ['audit', 'tls', '127.0.0.1:9', '--ca', file],
        ['audit', 'headers', 'https://127.0.0.1:9/', '--ca', file],
      ]) {
        const r = await gonogoChild(args, { timeoutMs: 30_000 });
        expect({ code: r.code, timedOut: r.timedOut }, `${args.join(' ')}: ${r.err}`).toEqual({
          code: 2,
          timedOut: false,
        });
        expect(r.err).toMatch(/^Input error: /);
        expect(r.err).toMatch(message);
        noTrace(r.err);
      }
    },
  );

  it('--ca with a PEM bundle is read and the audit judges the target (positive control)', async () => {
    const file = join(dir(), 'ca.pem');
    writeFileSync(file, PEM);
    const r = await gonogoChild(['audit', 'tls', '127.0.0.1:9', '--ca', file], { timeoutMs: 30_000 });
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/FAIL|ERROR/);
  });

  it.each([
    [
      'target.caFile',
      'a FIFO',
      (d: string) => mkfifo(join(d, 'ca.pem')),
      `target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500, caFile: './ca.pem' }`,
      /target\.caFile: the CA file .*ca\.pem is a FIFO/,
    ],
    [
      'security.tls.caFile',
      'not PEM',
      (d: string) => {
        writeFileSync(join(d, 'ca.pem'), 'hello\n');
      },
      `target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 }, security: { tls: { caFile: './ca.pem' } }`,
      /security\.tls\.caFile: the CA file .*ca\.pem holds no PEM certificate/,
    ],
    [
      'target.caFile',
      'missing',
      () => undefined,
      `target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500, caFile: './nowhere/ca.pem' }`,
      /target\.caFile: cannot read the CA file .*nowhere\/ca\.pem: ENOENT/,
    ],
  ])('%s naming %s: a config error before any suite starts', async (_, __, make, target, message) => {
    const p = closedPortProject({ config: `export default { ${target} };\n` });
    await make(p.dir);
    const r = await runSecurity(p);
    expect({ code: r.code, timedOut: r.timedOut, report: r.report }, r.err).toEqual({
      code: 2,
      timedOut: false,
      report: false,
    });
    expect(r.err).toContain(`Config error in ${p.config}: `);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/starting/);
  });

  it('a relative target.caFile is found beside the config file, whatever the working directory (positive control)', async () => {
    const p = closedPortProject({
      config: `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500, caFile: './ca.pem' } };\n`,
    });
    writeFileSync(join(p.dir, 'ca.pem'), PEM);
    const r = await runSecurity(p, dir());
    expect(r.code, r.err).toBe(1);
    expect(r.report).toBe(true);
  });
});

describe('the config module', () => {
  it.each([
    [
      'a FIFO',
      async (f: string) => {
        await mkfifo(f);
      },
      /the config file .* is a FIFO \(named pipe\), not a regular file/,
    ],
    [
      'a directory',
      (f: string) => {
        mkdirSync(f);
      },
      /the config file .* is a directory, not a regular file/,
    ],
    [
      'binary garbage',
      (f: string) => {
        writeFileSync(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe]));
      },
      /could not be loaded/,
    ],
    [
      'an export whose getter throws',
      (f: string) => {
        writeFileSync(f, `export default { get target() { throw new Error('no target today'); } };\n`);
      },
      /reading the exported configuration threw: no target today/,
    ],
  ])('%s as --config -> exit 2, a config error naming it', async (_, make, message) => {
    const file = join(dir(), 'gonogo.config.ts');
    await make(file);
    const r = await gonogoChild(
      ['run', '--config', file, '--suite', 'security', '--out', join(root, `cfg-out-${n++}`)],
      { timeoutMs: 45_000 },
    );
    expect({ code: r.code, timedOut: r.timedOut }, r.err).toEqual({ code: 2, timedOut: false });
    expect(r.err).toContain(`Config error in ${file}: `);
    expect(r.err).toMatch(message);
    noTrace(r.err);
  });
});

describe('merge shards', () => {
  const point = (v: number, t: number) =>
    JSON.stringify({
      metric: 'http_req_duration',
      type: 'Point',
      data: {
        time: new Date(Date.UTC(2026, 0, 1, 0, 0, t)).toISOString(),
        value: v,
        tags: { name: 'home', method: 'GET', status: '200', expected_response: 'true' },
      },
    });
  const k6 = `${[point(10, 0), point(12, 0), point(30, 1)].join('\n')}\n`;

  it.each([
    ['a FIFO', (d: string) => mkfifo(join(d, 'shard.json')), /the shard .*shard\.json is a FIFO/],
    ['a FIFO named .json.gz', (d: string) => mkfifo(join(d, 'k6.json.gz')), /the shard .*k6\.json\.gz is a FIFO/],
    [
      'k6 NDJSON cut off mid-record',
      (d: string) => {
        const f = join(d, 'k6.json');
        writeFileSync(f, k6.slice(0, -30));
        return f;
      },
      /ends in the middle of a record/,
    ],
    [
      "k6 NDJSON cut off inside a record's prefix",
      (d: string) => {
        const f = join(d, 'k6.json');
        writeFileSync(f, `${point(10, 0)}\n{"metric":"http_req_dur`);
        return f;
      },
      /ends in the middle of a record/,
    ],
    [
      'k6 NDJSON with a corrupt record',
      (d: string) => {
        const f = join(d, 'k6.json');
        writeFileSync(
          f,
          `${point(10, 0)}\n{"metric":"http_req_duration","type":"Point","data":{"ti\n${point(12, 1)}\n`,
        );
        return f;
      },
      /1 k6 record is not valid JSON \(the first on line 2\)/,
    ],
    [
      'gzip that is not gzip',
      (d: string) => {
        const f = join(d, 'k6.json.gz');
        writeFileSync(f, k6);
        return f;
      },
      /cannot read k6 output .*k6\.json\.gz: incorrect header check/,
    ],
    [
      'a gzip stream cut short',
      (d: string) => {
        const f = join(d, 'k6.json.gz');
        const gz = gzipSync(k6);
        writeFileSync(f, gz.subarray(0, gz.length - 12));
        return f;
      },
      /k6\.json\.gz/,
    ],
  ])('%s -> exit 2 naming it, nothing written', async (_, make, message) => {
    const d = dir();
    const file = await make(d);
    const out = join(d, 'merged.json');
    const r = await gonogoChild(['merge', file, '--out', out], { timeoutMs: 30_000 });
    expect({ code: r.code, timedOut: r.timedOut }, r.err).toEqual({ code: 2, timedOut: false });
    expect(r.err).toMatch(/^Input error: /);
    expect(r.err).toMatch(message);
    expect(existsSync(out)).toBe(false);
    noTrace(r.err);
  });

  it('whole k6 NDJSON, plain and gzipped, merges every sample (positive control)', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.json'), k6);
    writeFileSync(join(d, 'b.json.gz'), gzipSync(k6.replaceAll('"value":', '"value":1')));
    const r = await gonogoChild(['merge', join(d, 'a.json'), join(d, 'b.json.gz'), '--out', join(d, 'merged.json')]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'merged.json'), 'utf8')).requests).toBe(6);
  });
});

describe('reports for compare and trend, and the seventh lockfile format', () => {
  it('a FIFO given as a report: compare and trend exit 2 at once, naming it', async () => {
    const fifo = await mkfifo(join(dir(), 'report.json'));
    for (const args of [
      ['compare', fifo, fifo],
      ['trend', fifo],
    ]) {
      const r = await gonogoChild(args, { timeoutMs: 30_000 });
      expect({ code: r.code, timedOut: r.timedOut }, `${args[0]}: ${r.err}`).toEqual({ code: 2, timedOut: false });
      expect(r.err).toContain(`the report ${fifo} is a FIFO`);
      noTrace(r.err);
    }
  });

  it('a truncated npm-shrinkwrap.json: exit 2 naming it, never a pass', async () => {
    const text = readFileSync(new URL('../../reference-app/fixtures/clean/package-lock.json', import.meta.url), 'utf8');
    const file = join(dir(), 'npm-shrinkwrap.json');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const r = await gonogoChild(['audit', 'deps', file, '--osv-db', OSV_DEMO_DIR]);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toMatch(/^Input error: /);
    expect(r.err).toContain(file);
    noTrace(r.err);
    // Positive control: the whole file under the same name is read and audited.
    writeFileSync(file, text);
    expect((await gonogoChild(['audit', 'deps', file, '--osv-db', OSV_DEMO_DIR])).code).toBe(0);
  });
});
