import { ConfigError } from '../core/errors.ts';

export const DEFAULT_CONFIG_TIMEOUT_S = 30;
export const MAX_CONFIG_TIMEOUT_S = 3600;

/** GONOGO_CONFIG_TIMEOUT_S: how long a config file may take to load, its top-level awaits included. */
export function configLoadTimeoutS(env: NodeJS.ProcessEnv): number {
  const v = env.GONOGO_CONFIG_TIMEOUT_S;
  if (v === undefined || v === '') return DEFAULT_CONFIG_TIMEOUT_S;
  // Bounded above: past 2^31 ms Node fires a timer at once, so a huge value would fail every config load.
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_CONFIG_TIMEOUT_S) {
    throw new ConfigError('GONOGO_CONFIG_TIMEOUT_S', [
      `a whole number of seconds from 1 to ${MAX_CONFIG_TIMEOUT_S} (received: ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)})`,
    ]);
  }
  return Number(v);
}

class ExitCalled extends Error {
  constructor(readonly code: unknown) {
    super(`process.exit(${code ?? ''})`);
  }
}

/**
 * Evaluates a config module so that it cannot end or hang gonogo: process.exit() while it loads is a
 * config error, a top-level await that can never settle (nothing left to wait for) is reported at
 * once instead of Node's silent exit 13, and one still pending after the deadline is a config error.
 */
export async function guardedImport(file: string, load: () => Promise<unknown>, timeoutS: number): Promise<unknown> {
  const realExit = process.exit;
  let exitCall: ExitCalled | undefined;
  process.exit = ((code?: unknown) => {
    exitCall ??= new ExitCalled(code);
    throw exitCall;
  }) as typeof process.exit;
  let timer: NodeJS.Timeout | undefined;
  let onBeforeExit: (() => void) | undefined;
  try {
    const mod = await new Promise<unknown>((resolve, reject) => {
      const fail = (issue: string) => reject(new ConfigError(file, [issue]));
      // Unref'd: the deadline alone must not keep the process alive; beforeExit covers a loop with nothing left.
      timer = setTimeout(
        () =>
          fail(
            `loading the file did not finish within ${timeoutS}s (a top-level await that does not settle?); make the file export its configuration promptly, or raise GONOGO_CONFIG_TIMEOUT_S`,
          ),
        timeoutS * 1000,
      );
      timer.unref();
      onBeforeExit = () =>
        fail(
          'loading the file waits on a top-level await that can never settle (nothing is left that could resolve it); make the file export its configuration',
        );
      process.once('beforeExit', onBeforeExit);
      load().then(resolve, reject);
    });
    if (exitCall) throw exitCall;
    return mod;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    if (exitCall)
      throw new ConfigError(file, [
        `the file called ${exitCall.message} while loading; a config file only exports its configuration, it never ends gonogo`,
      ]);
    const msg = (e as Error)?.message?.split('\n')[0] ?? String(e);
    throw new ConfigError(file, [`the file could not be loaded: ${msg}`], { cause: e });
  } finally {
    clearTimeout(timer);
    if (onBeforeExit) process.off('beforeExit', onBeforeExit);
    process.exit = realExit;
  }
}
