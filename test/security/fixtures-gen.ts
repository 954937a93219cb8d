/** A pnpm v9 lockfile of `n` packages (packages and snapshots sections, 50 of them direct), as pnpm writes it. */
export function pnpmLockOf(n: number): string {
  const lines = ["lockfileVersion: '9.0'", '', 'importers:', '', '  .:', '    dependencies:'];
  for (let i = 0; i < Math.min(n, 50); i++)
    lines.push(`      pkg-${i}:`, `        specifier: ^1.0.${i}`, `        version: 1.0.${i}`);
  lines.push('', 'packages:', '');
  for (let i = 0; i < n; i++)
    lines.push(`  pkg-${i}@1.0.${i}:`, `    resolution: {integrity: sha512-${String(i).padStart(86, 'A')}==}`, '');
  lines.push('snapshots:', '');
  for (let i = 0; i < n; i++)
    lines.push(`  pkg-${i}@1.0.${i}:`, '    dependencies:', `      pkg-${(i + 1) % n}: 1.0.${(i + 1) % n}`, '');
  return lines.join('\n');
}
