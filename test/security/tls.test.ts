import { createServer, type Server, type ServerOptions } from 'node:https';
import { createServer as createHttp } from 'node:http';
import { connect as tcpConnect, createServer as createTcp, type Socket } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTls } from '../../security/tls/audit.ts';
import { refusalOf } from '../../security/tls/probe.ts';
import { suiteByName } from '../../security/tls/suites.ts';
import { main } from '../../cli/main.ts';
import { makePki, type TestPki } from './certs.ts';

const STRICT = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305';
const servers: Array<{ close(cb: () => void): void }> = [];
let pki: TestPki;
let expiring: TestPki;

async function serve(opts: ServerOptions, p: TestPki = pki): Promise<number> {
  const s: Server = createServer({ cert: p.certPem, key: p.keyPem, ...opts }, (_q, r) => r.end('ok'));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

const audit = (port: number, extra: { httpUrl?: string; ca?: string[]; servername?: string } = {}) =>
  auditTls({
    host: '127.0.0.1',
    port,
    ca: extra.ca ?? [pki.caPem],
    concurrency: 16,
    timeoutMs: 3000,
    certMinDays: 30,
    httpUrl: extra.httpUrl,
    servername: extra.servername,
  });
const statuses = (checks: Array<{ id: string; status: string }>) =>
  Object.fromEntries(checks.map((c) => [c.id, c.status]));

beforeAll(() => {
  pki = makePki({ days: 365 });
  expiring = makePki({ days: 5 });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

describe('native TLS probe', () => {
  it('a strict server (TLS 1.2/1.3, ECDHE AEAD only, valid cert, http redirect) passes every check', async () => {
    const port = await serve({ ciphers: STRICT });
    const http = createHttp((req, res) => {
      res.writeHead(301, { location: `https://127.0.0.1:${port}${req.url}` });
      res.end();
    });
    servers.push(http);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const r = await audit(port, { httpUrl: `http://127.0.0.1:${(http.address() as { port: number }).port}/` });
    expect(r.scan.protocols).toEqual({ TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
    expect(r.scan.ciphers.map((c) => `${c.protocol} ${c.openssl} ${c.iana}`).sort()).toEqual([
      'TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLSv1.2 ECDHE-RSA-CHACHA20-POLY1305 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      'TLSv1.3 TLS_AES_128_GCM_SHA256 TLS_AES_128_GCM_SHA256',
      'TLSv1.3 TLS_AES_256_GCM_SHA384 TLS_AES_256_GCM_SHA384',
      'TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 TLS_CHACHA20_POLY1305_SHA256',
    ]);
    expect(Object.values(statuses(r.checks)).every((s) => s === 'pass')).toBe(true);
    expect(r.scan.certificate).toMatchObject({
      keyType: 'rsa',
      keyBits: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      trusted: true,
      hostnameMatches: true,
    });
    expect(r.measurements).toEqual([
      { metric: 'tls_weak_protocols', values: { count: 0 } },
      { metric: 'tls_weak_ciphers', values: { count: 0 }, samples: 6 },
      { metric: 'tls_cert_days_left', values: { value: 365 } },
    ]);
  });

  it('legacy protocols and a weak CBC suite fail protocols and ciphers', async () => {
    const port = await serve({ minVersion: 'TLSv1', ciphers: `${STRICT}:AES128-SHA:@SECLEVEL=0` });
    const r = await audit(port);
    expect(r.scan.protocols).toEqual({ TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true });
    expect(statuses(r.checks)).toMatchObject({
      'tls.protocols': 'fail',
      'tls.ciphers': 'fail',
      'tls.redirect': 'skip',
    });
    expect(r.scan.ciphers.filter((c) => c.weak).map((c) => `${c.protocol} ${c.openssl} ${c.flags.join(',')}`)).toEqual([
      'TLSv1 AES128-SHA no-fs,non-aead,cbc',
      'TLSv1.1 AES128-SHA no-fs,non-aead,cbc',
      'TLSv1.2 AES128-SHA no-fs,non-aead,cbc',
    ]);
    expect(r.measurements.slice(0, 2)).toEqual([
      { metric: 'tls_weak_protocols', values: { count: 2 } },
      { metric: 'tls_weak_ciphers', values: { count: 1 }, samples: 9 },
    ]);
  });

  it('probes the families tls.getCiphers() omits (CCM, ARIA, CAMELLIA)', async () => {
    const port = await serve({
      ciphers: 'AES128-CCM:ECDHE-ARIA128-GCM-SHA256:CAMELLIA128-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
      maxVersion: 'TLSv1.2',
    });
    const r = await audit(port);
    expect(r.scan.ciphers.map((c) => c.openssl).sort()).toEqual([
      'AES128-CCM',
      'CAMELLIA128-SHA256',
      'ECDHE-ARIA128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
    ]);
    expect(suiteByName('TLS_ECDHE_ECDSA_WITH_AES_128_CCM')?.openssl).toBe('ECDHE-ECDSA-AES128-CCM');
    expect(r.scan.ciphers.find((c) => c.openssl === 'CAMELLIA128-SHA256')!.flags).toEqual(['no-fs', 'non-aead', 'cbc']);
    expect(r.scan.ciphers.find((c) => c.openssl === 'AES128-CCM')!.flags).toEqual(['no-fs']);
  });

  it('finds every accepted suite by elimination, whichever side orders the suites, in fewer handshakes than one per suite', async () => {
    const list =
      'ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:CAMELLIA256-SHA';
    const expected = list.split(':').sort();
    for (const honorCipherOrder of [true, false]) {
      const port = await serve({
        ciphers: `${list}:@SECLEVEL=0`,
        maxVersion: 'TLSv1.2',
        honorCipherOrder,
        dhparam: 'auto',
      });
      const r = await audit(port);
      expect(r.scan.ciphers.map((c) => c.openssl).sort()).toEqual(expected);
      const tls12Suites = (await import('../../security/tls/suites.ts'))
        .offerableSuites()
        .probe.filter((s) => s.protocols.includes('TLSv1.2')).length;
      // certificate + 4 protocol handshakes, then one per accepted suite and one refusal per group (at most `concurrency` groups).
      expect(r.scan.handshakes).toBeLessThanOrEqual(1 + 4 + expected.length + 16);
      expect(r.scan.handshakes).toBeLessThan(tls12Suites);
    }
  });

  it('a certificate expiring in 5 days fails expiry and reports the days', async () => {
    const port = await serve({ ciphers: STRICT }, expiring);
    const r = await audit(port, { ca: [expiring.caPem] });
    expect(statuses(r.checks)).toMatchObject({
      'tls.certificate-expiry': 'fail',
      'tls.certificate-chain': 'pass',
      'tls.protocols': 'pass',
      'tls.ciphers': 'pass',
    });
    expect(r.scan.certificate!.daysLeft).toBe(5);
  });

  it('an untrusted chain and a wrong host name fail their checks', async () => {
    const port = await serve({ ciphers: STRICT });
    const untrusted = await audit(port, { ca: [expiring.caPem] });
    expect(statuses(untrusted.checks)['tls.certificate-chain']).toBe('fail');
    const other = await audit(port, { servername: 'shop.example.com' });
    expect(statuses(other.checks)['tls.certificate-hostname']).toBe('fail');
  });

  it('a closed port is an error, never a pass', async () => {
    const r = await audit(1);
    expect(r.checks.filter((c) => c.status === 'pass')).toEqual([]);
    expect(r.measurements).toEqual([]);
  });

  it('`gonogo audit tls --json` prints protocols, suites by OpenSSL and IANA name, certificate and checks', async () => {
    const port = await serve({ minVersion: 'TLSv1.1', ciphers: `${STRICT}:ECDHE-RSA-AES128-SHA:@SECLEVEL=0` });
    const out: string[] = [];
    const code = await main(['audit', 'tls', `127.0.0.1:${port}`, '--json'], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
    });
    const json = JSON.parse(out.join('')) as {
      protocols: Record<string, boolean>;
      ciphers: Array<{ openssl: string; iana: string; protocol: string }>;
      certificate: { trusted: boolean };
      checks: unknown[];
    };
    expect(json.protocols).toEqual({ TLSv1: false, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true });
    expect(json.ciphers).toContainEqual(
      expect.objectContaining({
        openssl: 'ECDHE-RSA-AES128-SHA',
        iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
        protocol: 'TLSv1.1',
      }),
    );
    expect(json.certificate.trusted).toBe(false); // no --ca: the test CA is not a system CA
    expect(json.checks).toHaveLength(7);
    expect(code).toBe(1);
    expect(await main(['audit', 'tls', 'no-port'], { out: () => {}, err: () => {} })).toBe(2);
    // The same endpoint as an https URL; another scheme is a usage error naming it.
    const viaUrl: string[] = [];
    expect(
      await main(['audit', 'tls', `https://127.0.0.1:${port}/`, '--json'], {
        out: (s) => viaUrl.push(s),
        err: () => {},
      }),
    ).toBe(1);
    expect((JSON.parse(viaUrl.join('')) as { target: string; protocols: unknown }).protocols).toEqual(json.protocols);
    const err: string[] = [];
    expect(await main(['audit', 'tls', `http://127.0.0.1:${port}/`], { out: () => {}, err: (s) => err.push(s) })).toBe(
      2,
    );
    expect(err.join('')).toMatch(/not http\b/);
  });
});

const sslscan = await execa('sslscan', ['--version'], { reject: false, timeout: 5000 }).then(
  (r) => r.exitCode === 0 || /sslscan/i.test(r.stdout),
  () => false,
);

describe.skipIf(!sslscan)('agreement with sslscan (Debian package)', () => {
  it('lists the same protocols and accepted suites on a mixed server', async () => {
    const port = await serve({
      minVersion: 'TLSv1',
      ciphers: `${STRICT}:AES128-SHA:AES256-GCM-SHA384:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0`,
    });
    const [ours, theirs] = await Promise.all([
      audit(port),
      execa(
        'sslscan',
        [
          '--no-colour',
          '--xml=-',
          '--no-heartbleed',
          '--no-compression',
          '--no-renegotiation',
          '--no-fallback',
          `127.0.0.1:${port}`,
        ],
        { reject: false, timeout: 60_000 },
      ),
    ]);
    const xml = theirs.stdout;
    const protocols = Object.fromEntries(
      [...xml.matchAll(/<protocol type="tls" version="(1\.[0-3])" enabled="(\d)"/g)].map((m) => [
        m[1] === '1.0' ? 'TLSv1' : `TLSv${m[1]}`,
        m[2] === '1',
      ]),
    );
    const ciphers = [
      ...xml.matchAll(
        /<cipher status="(?:preferred|accepted)" sslversion="(TLSv1\.[0-3])" bits="\d+" cipher="([^"]+)"/g,
      ),
    ]
      .map((m) => `${m[1] === 'TLSv1.0' ? 'TLSv1' : m[1]} ${m[2]}`)
      .sort();
    expect(ours.scan.protocols).toEqual(protocols);
    expect(ours.scan.ciphers.map((c) => `${c.protocol} ${c.openssl}`).sort()).toEqual(ciphers);
  }, 60_000);
});

describe('handshakes that tell nothing are not refusals', () => {
  it("tells a server's refusal from a timeout or an offer this client cannot make", () => {
    expect(refusalOf('write EPROTO C0:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version')).toBe(
      'refused',
    );
    expect(refusalOf('C0:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure')).toBe('refused');
    expect(refusalOf('connection closed during the handshake')).toBe('refused');
    expect(refusalOf('no handshake within 3000 ms (security.tls.handshakeTimeoutMs)')).toBe('unknown');
    expect(refusalOf('C0:error:0A0000BF:SSL routines:tls_setup_handshake:no protocols available')).toBe('unknown');
    expect(refusalOf('connect ECONNREFUSED 127.0.0.1:1')).toBe('unknown');
  });

  it('a server that never answers a TLS 1.0 or 1.1 hello leaves tls.protocols an error naming the setting, not a pass', async () => {
    const port = await serve({ ciphers: STRICT });
    // In front of a strict server: a hello whose record offers TLS 1.0/1.1 only (client_version 0x0301/0x0302) gets no answer.
    const silent: Socket[] = [];
    const front = createTcp((client) => {
      client.once('data', (hello) => {
        const version = hello.readUInt16BE(9);
        if (version === 0x0301 || version === 0x0302) {
          silent.push(client);
          return;
        }
        const upstream = tcpConnect(port, '127.0.0.1', () => {
          upstream.write(hello);
          client.pipe(upstream).pipe(client);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
    servers.push({
      close: (cb: () => void) => {
        for (const c of silent) c.destroy();
        front.close(cb);
      },
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const r = await auditTls({
      host: '127.0.0.1',
      port: (front.address() as { port: number }).port,
      ca: [pki.caPem],
      concurrency: 16,
      timeoutMs: 800,
      timeoutSetting: 'security.tls.handshakeTimeoutMs',
      certMinDays: 30,
    });
    expect(r.scan.protocols['TLSv1.2']).toBe(true);
    expect(Object.keys(r.scan.undecided).sort()).toEqual(['TLSv1', 'TLSv1.1']);
    const protocols = r.checks.find((c) => c.id === 'tls.protocols')!;
    expect(protocols.status).toBe('error');
    expect(protocols.evidence.message).toMatch(
      /could not tell whether TLSv1 is accepted \(no handshake within 800 ms.*security\.tls\.handshakeTimeoutMs/,
    );
  });
});
