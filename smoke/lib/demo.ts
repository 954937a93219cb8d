export interface DemoPair { email: string; password: string }

/**
 * The demo credentials to try, in priority order: every account's first password before any account's
 * second, at most `perAccount` on one account (so the target's lockout never hides a later, right
 * password) and at most `max` in all, because each attempt spends the target's login limit.
 */
export function demoPairs(accounts: readonly string[], passwords: readonly string[], max: number, perAccount: number): { tried: DemoPair[]; untried: DemoPair[] } {
  const all: DemoPair[] = [];
  for (const password of passwords) for (const email of accounts) all.push({ email, password });
  const rank = (p: DemoPair) => passwords.indexOf(p.password);
  const tried = all.filter((p) => rank(p) < perAccount).slice(0, max);
  return { tried, untried: all.filter((p) => !tried.includes(p)) };
}
