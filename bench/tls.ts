/**
 * TLS audit benchmark (`npm run bench:tls`, also part of `npm run bench`): `gonogo audit tls` vs sslscan on the same local
 * nginx (self-signed certificate, TLS 1.2 and 1.3 only), runs taken in turn, medians and their ratio, and a check that both
 * tools find the same protocols and the same accepted suites (sslscan's --xml output). gonogo is timed end to end through
 * `node dist/bin/gonogo.js` and, separately, inside the process (the scan's own durationMs), with `gonogo --version` as the
 * start-up alone. Needs nginx and sslscan on PATH (Debian: apt-get install nginx sslscan). Timed figures live here, never in tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { XMLParser } from 'fast-xml-parser';
import { generateCerts } from '../reference-app/certs.ts';

const RUNS = Number(process.env.BENCH_TLS_RUNS ?? 10);
const TARGET_RATIO = 3;
const GONOGO = fileURLToPath(new URL('../dist/bin/gonogo.js', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function listening(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        r(true);
      });
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port}`);
}

async function startNginx(): Promise<{ port: number; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const certs = await generateCerts({ validDays: 365 });
  writeFileSync(join(dir, 'cert.pem'), certs.certPem);
  writeFileSync(join(dir, 'key.pem'), certs.keyPem);
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/tmp;`).join(' ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
worker_processes 1;
events { worker_connections 512; }
http {
  access_log off;
  ${temp}
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { return 200 "ok\\n"; }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`nginx exited (${code}); see ${dir}/error.log`))),
  );
  await Promise.race([listening(port, Date.now() + 10_000), exited]);
  exited.catch(() => {});
  return {
    port,
    stop: () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Findings {
  protocols: string[];
  ciphers: string[];
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** sslscan's XML: <protocol type="tls" version="1.2" enabled="1"/> and <cipher status="accepted" sslversion="TLSv1.2" cipher="…"/>. */
function sslscanFindings(xml: string): Findings {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
    document?: { ssltest?: { protocol?: unknown; cipher?: unknown } };
  };
  const test = doc.document?.ssltest;
  if (!test) throw new Error(`sslscan's XML has no <ssltest> element: ${xml.slice(0, 200)}`);
  const protocols = asArray(test.protocol as Array<{ type: string; version: string; enabled: string }>)
    .filter((p) => p.type === 'tls' && p.enabled === '1')
    .map((p) => (p.version === '1.0' ? 'TLSv1' : `TLSv${p.version}`));
  const ciphers = asArray(test.cipher as Array<{ status: string; sslversion: string; cipher: string }>)
    .filter((c) => c.status === 'accepted' || c.status === 'preferred')
    .map((c) => `${c.sslversion === 'TLSv1.0' ? 'TLSv1' : c.sslversion} ${c.cipher}`);
  return { protocols: protocols.sort(), ciphers: ciphers.sort() };
}

function gonogoFindings(json: {
  protocols: Record<string, boolean>;
  ciphers: Array<{ protocol: string; openssl: string }>;
}): Findings {
  return {
    protocols: Object.entries(json.protocols)
      .filter(([, ok]) => ok)
      .map(([p]) => p)
      .sort(),
    ciphers: json.ciphers.map((c) => `${c.protocol} ${c.openssl}`).sort(),
  };
}

function difference(a: Findings, b: Findings): string[] {
  const out: string[] = [];
  for (const key of ['protocols', 'ciphers'] as const) {
    const onlyA = a[key].filter((x) => !b[key].includes(x));
    const onlyB = b[key].filter((x) => !a[key].includes(x));
    if (onlyA.length) out.push(`${key} only gonogo found: ${onlyA.join(', ')}`);
    if (onlyB.length) out.push(`${key} only sslscan found: ${onlyB.join(', ')}`);
  }
  return out;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function main(): Promise<number> {
  for (const tool of ['nginx', 'sslscan']) {
    const found = await execa(tool, [tool === 'nginx' ? '-v' : '--version'], { reject: false }).then(
      (r) => r.exitCode === 0,
      () => false,
    );
    if (!found) {
      console.log(`TLS bench skipped: ${tool} is not installed (Debian: apt-get install -y nginx sslscan)`);
      return 0;
    }
  }
  const sslscanVersion = (await execa('sslscan', ['--version', '--no-colour'])).stdout
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(', ');
  const nginx = await startNginx();
  const target = `127.0.0.1:${nginx.port}`;
  try {
    const runs = {
      gonogo: [] as number[],
      inside: [] as number[],
      sslscan: [] as number[],
      version: [] as number[],
      handshakes: 0,
    };
    let ours: Findings | undefined;
    let theirs: Findings | undefined;
    const problems: string[] = [];
    // In turn, so load from other processes on the machine falls on both tools alike.
    for (let i = 0; i < RUNS; i++) {
      const g = await timed(() =>
        execa('node', [GONOGO, 'audit', 'tls', target, '--json'], { reject: false, timeout: 60_000 }),
      );
      const json = JSON.parse(g.value.stdout) as Parameters<typeof gonogoFindings>[0] & {
        durationMs: number;
        handshakes: number;
      };
      runs.gonogo.push(g.ms);
      runs.inside.push(json.durationMs);
      runs.handshakes = json.handshakes;
      const s = await timed(() =>
        execa('sslscan', ['--no-colour', '--xml=-', target], { reject: false, timeout: 60_000 }),
      );
      if (s.value.exitCode !== 0) throw new Error(`sslscan exited ${s.value.exitCode}: ${s.value.stderr}`);
      runs.sslscan.push(s.ms);
      const v = await timed(() => execa('node', [GONOGO, '--version'], { timeout: 60_000 }));
      runs.version.push(v.ms);
      const o = gonogoFindings(json);
      const t = sslscanFindings(s.value.stdout);
      const diff = difference(o, t);
      if (diff.length) problems.push(`run ${i + 1}: ${diff.join('; ')}`);
      if (ours && JSON.stringify(ours) !== JSON.stringify(o))
        problems.push(`run ${i + 1}: gonogo's findings changed between runs`);
      ours = o;
      theirs = t;
    }
    const m = {
      gonogo: median(runs.gonogo),
      inside: median(runs.inside),
      sslscan: median(runs.sslscan),
      version: median(runs.version),
    };
    const ratio = m.gonogo / m.sslscan;
    const insideRatio = m.inside / m.sslscan;
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    console.log(
      `TLS audit vs sslscan: nginx ${target}, TLS 1.2 + 1.3, self-signed RSA 2048; ${RUNS} runs each, in turn; ${sslscanVersion}; Node ${process.versions.node}`,
    );
    console.log('| measure | median | min | max | vs sslscan (median) |');
    console.log('|---|---|---|---|---|');
    const row = (name: string, xs: number[], med: number) =>
      console.log(
        `| ${name} | ${ms(med)} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} | ${(med / m.sslscan).toFixed(2)}x |`,
      );
    row('sslscan (whole scan, end to end)', runs.sslscan, m.sslscan);
    row('`node dist/bin/gonogo.js audit tls` end to end', runs.gonogo, m.gonogo);
    row(`gonogo scan inside the process (${runs.handshakes} handshakes)`, runs.inside, m.inside);
    row('`node dist/bin/gonogo.js --version` (start-up alone)', runs.version, m.version);
    console.log(
      `protocols found: ${ours?.protocols.join(', ')}; accepted suites: ${ours?.ciphers.length} (gonogo), ${theirs?.ciphers.length} (sslscan)`,
    );
    console.log(
      problems.length
        ? `findings DIFFER:\n  ${problems.join('\n  ')}`
        : 'findings: identical protocols and accepted suites in every run',
    );
    console.log(
      `target ${TARGET_RATIO}x sslscan: end to end ${ratio.toFixed(2)}x (${ratio <= TARGET_RATIO ? 'met' : 'missed'}), scan inside the process ${insideRatio.toFixed(2)}x (${insideRatio <= TARGET_RATIO ? 'met' : 'missed'})`,
    );
    return problems.length ? 1 : 0;
  } finally {
    nginx.stop();
  }
}

process.exitCode = await main();
