/**
 * CVSS v3.0/v3.1 base score from a vector string (FIRST specification, section 7). Written out because the formula
 * is short and fixed, and the npm CVSS packages are unmaintained; CVSS v4 vectors are not scored (the caller falls
 * back to the database's own rating).
 */
const W = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

function roundUp(x: number): number {
  const i = Math.round(x * 100_000);
  return i % 10_000 === 0 ? i / 100_000 : (Math.floor(i / 10_000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number | null {
  const m = /^CVSS:3\.[01]\/(.*)$/.exec(vector.trim());
  if (!m) return null;
  const metrics = Object.fromEntries(m[1]!.split('/').map((kv) => kv.split(':') as [string, string]));
  const get = <T extends Record<string, number>>(table: T, key: string): number | undefined =>
    table[metrics[key] as keyof T];
  const scope = metrics.S;
  const av = get(W.AV, 'AV');
  const ac = get(W.AC, 'AC');
  const ui = get(W.UI, 'UI');
  const c = get(W.CIA, 'C');
  const i = get(W.CIA, 'I');
  const a = get(W.CIA, 'A');
  const prTable = scope === 'C' ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 };
  const pr = get(prTable, 'PR');
  if ([av, ac, ui, c, i, a, pr].some((v) => v === undefined) || (scope !== 'U' && scope !== 'C')) return null;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av! * ac! * pr! * ui!;
  if (impact <= 0) return 0;
  return scope === 'U'
    ? roundUp(Math.min(impact + exploitability, 10))
    : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

export function ratingOf(score: number): 'critical' | 'high' | 'medium' | 'low' | 'none' {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}
