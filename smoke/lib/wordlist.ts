import { readFileSync } from 'node:fs';
import { WEAK_SECRETS_FILE } from '../vocab.ts';

/** One entry a line, taken exactly as written (a secret may contain spaces); blank lines and "#" comment lines are skipped. */
export function parseWordlist(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#'));
}

/** The shipped wordlist or the configured replacement, then `smoke.weakSecrets`, without duplicates. */
export function weakSecretList(c: { weakSecrets: readonly string[]; weakSecretsFile?: string | undefined }): string[] {
  const file = c.weakSecretsFile ?? WEAK_SECRETS_FILE;
  return [...new Set([...parseWordlist(readFileSync(file, 'utf8')), ...c.weakSecrets])];
}
