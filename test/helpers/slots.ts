/**
 * At most `n` of the returned function's tasks run at once; the others wait their turn in order (a finished task
 * hands its slot to the next). For tests that run independent targets side by side; a dozen lines, not worth a
 * dependency.
 */
export function slots(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running < n) running++;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
