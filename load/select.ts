import { UsageError } from '../core/errors.ts';
import type { LoadEngine } from './engine.ts';
import { K6Engine } from './k6/engine.ts';
import { K6_INSTALL } from './k6/binary.ts';
import { AutocannonEngine } from './autocannon/engine.ts';

export type EngineChoice = 'k6' | 'autocannon' | 'auto';

/** `auto` picks k6 when it is installed; asking for k6 without it is a usage error that says how to install it. */
export async function resolveEngine(
  choice: EngineChoice,
  k6Path?: string,
): Promise<{ engine: LoadEngine; version: string; reason: string }> {
  if (choice === 'autocannon') {
    const ac = new AutocannonEngine();
    return { engine: ac, version: (await ac.isAvailable()).version, reason: 'autocannon was asked for' };
  }
  const k6 = new K6Engine(k6Path);
  const avail = await k6.isAvailable();
  if (avail.ok)
    return {
      engine: k6,
      version: avail.version,
      reason: choice === 'k6' ? 'k6 was asked for' : 'auto: k6 is installed',
    };
  if (choice === 'k6') throw new UsageError(`--engine k6, but ${avail.reason}: ${K6_INSTALL}`);
  const ac = new AutocannonEngine();
  return { engine: ac, version: (await ac.isAvailable()).version, reason: `auto: ${avail.reason}, so autocannon ran` };
}
