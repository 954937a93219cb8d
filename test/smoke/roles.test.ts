import { describe, expect, it } from 'vitest';
import { Recorder } from '../../smoke/lib/evidence.ts';
import { requestRole, requireControl } from '../../smoke/lib/outcome.ts';

describe('control and probe requests in the evidence', () => {
  it('a request sent inside requireControl is a control, across awaits; any other is a probe', async () => {
    const rec = new Recorder();
    const send = async (path: string) => {
      await new Promise((r) => setTimeout(r, 1));
      rec.request('GET', `https://127.0.0.1:8443${path}`, 200, '{}', requestRole());
    };
    await requireControl('login', async () => {
      await send('/login');
      await send('/me');
    });
    await send('/api/orders');
    await Promise.all([requireControl('second user', () => send('/login')), send('/api/orders/1')]);
    expect(rec.evidence().requests!.map((q) => [q.url.replace('https://127.0.0.1:8443', ''), q.role])).toEqual([
      ['/login', 'control'],
      ['/me', 'control'],
      ['/api/orders', 'probe'],
      ['/login', 'control'],
      ['/api/orders/1', 'probe'],
    ]);
  });

  it('a control that fails is still an error of the check, not a failure', async () => {
    await expect(
      requireControl('login', async () => {
        throw new Error('503');
      }),
    ).rejects.toThrow(/positive control failed: login: 503/);
  });
});
