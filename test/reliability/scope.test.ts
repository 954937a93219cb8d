import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts';
import { faultProject, gonogo, FAULT_ENV } from './support.ts';

/**
 * Scope: gonogo only talks to the configured target's hosts. The target redirects every request to
 * another host (localhost is another host name than 127.0.0.1, though both are this machine);
 * that other server must see no request at all, from any suite.
 */
describe('traffic stays on the configured target', () => {
  let other: FaultServer;
  let target: FaultServer;
  beforeAll(async () => {
    other = await startFaultServer('empty');
    target = await startFaultServer('foreign-redirect', {
      redirectTo: `${other.baseUrl.replace('127.0.0.1', 'localhost')}/followed`,
    });
  });
  afterAll(async () => {
    await target.stop();
    await other.stop();
  });

  it('never follows a redirect to another host', async () => {
    const config = faultProject(target.baseUrl, target.caFile);
    const r = await gonogo(
      [
        'run',
        '--config',
        config,
        '--suite',
        'smoke,security,load',
        '--vus',
        '2',
        '--duration',
        '2s',
        '--engine',
        'autocannon',
        '--out',
        join(config, '..', 'out'),
      ],
      FAULT_ENV,
    );
    expect(r.code).toBe(1);
    expect(target.hits()).toBeGreaterThan(0);
    expect(other.hits(), 'requests that reached the other host').toBe(0);
  }, 240_000);
});
