import { main } from '../../cli/main.ts';

/** Runs the gonogo CLI in-process with captured output and extra environment variables. */
export async function gonogo(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.env = saved;
  }
}
