import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** Debian's PostgreSQL server binaries (the `postgresql` package; .ci/run installs it). */
export const POSTGRES_BIN = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
].find((d) => existsSync(join(d, 'initdb')));

export interface Postgres {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
      .listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      })
      .on('error', reject);
  });
}

/**
 * A throwaway PostgreSQL cluster in a temporary folder on a free loopback port, trusting local connections; stopped
 * and deleted by stop(). PostgreSQL refuses to run as root, so as root it runs as `nobody`.
 */
export async function startPostgres(): Promise<Postgres> {
  const BIN = POSTGRES_BIN;
  if (!BIN)
    throw new Error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install Debian's postgresql package",
    );
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-pg-'));
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'nobody', '--'] : [];
  if (asUser.length) chownSync(dir, 65534, 65534);
  const run = (cmd: string, args: string[]) =>
    execa(asUser[0] ?? join(BIN, cmd), [...asUser.slice(1), ...(asUser.length ? [join(BIN, cmd)] : []), ...args], {
      timeout: 60_000,
    });
  const data = join(dir, 'data');
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'gonogo', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  // fsync off: a test cluster trades durability for speed; the socket directory is the temp folder, not /var/run.
  await run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-h 127.0.0.1 -p ${port} -k ${dir} -F`,
    'start',
  ]);
  return {
    url: `postgres://gonogo@127.0.0.1:${port}/postgres`,
    async stop() {
      await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
