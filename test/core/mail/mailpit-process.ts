import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { freePort, sleep } from './support.ts';

/** A real Mailpit: on PATH, or where `go install github.com/axllent/mailpit@...` puts it. */
export function findMailpit(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), 'go', 'bin')];
  return dirs.map((d) => join(d, 'mailpit')).find((p) => existsSync(p));
}

export interface Mailpit {
  smtp: { host: string; port: number };
  url: string;
  stop(): Promise<void>;
}

/** Starts the binary on free loopback ports with a database of its own, and waits until it answers. */
export async function startMailpit(bin: string): Promise<Mailpit> {
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-mailpit-'));
  const smtp = { host: '127.0.0.1', port: await freePort() };
  const http = await freePort();
  const url = `http://127.0.0.1:${http}`;
  const child = execa(
    bin,
    [
      '--smtp',
      `${smtp.host}:${smtp.port}`,
      '--listen',
      `127.0.0.1:${http}`,
      '--database',
      join(dir, 'mailpit.db'),
      '--disable-version-check',
    ],
    { reject: false, all: true },
  );
  const stop = async () => {
    child.kill();
    await child;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { smtp, url, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `mailpit did not come up on ${url}: ${String((await child).all ?? '')
          .split('\n')
          .slice(-3)
          .join(' ')}`,
      );
    }
    await sleep(100);
  }
}
