import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { LoadResult } from '../core/report-schema.ts';
import { readShard } from './merge.ts';

/** The file a path names, through symlinks; a file that does not exist yet is named by its real folder. */
async function identity(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    return await realpath(abs);
  } catch {
    return join(await realpath(dirname(abs)).catch(() => dirname(abs)), basename(abs));
  }
}

/**
 * Reads the shards for `gonogo merge`, refusing what would make the merge lie: the same file named
 * twice, two files holding the same result (a copied shard), or an output that is one of the inputs.
 */
export async function readDistinctShards(paths: readonly string[], out: string): Promise<LoadResult[]> {
  const files = new Map<string, string>();
  for (const p of paths) {
    const id = await identity(p);
    const first = files.get(id);
    if (first !== undefined)
      throw new UsageError(
        `the shard ${p} is named twice${first === p ? '' : ` (also as ${first})`}; merging a shard twice would double its counts`,
      );
    files.set(id, p);
  }
  if (files.has(await identity(out)))
    throw new UsageError(
      `--out ${out} is one of the shards being merged; writing the result there would overwrite an input`,
    );
  const parts: LoadResult[] = [];
  const contents = new Map<string, string>();
  for (const p of paths) {
    const part = await readShard(p);
    // Two runners never record byte-identical histograms and timelines; identical results are one shard copied.
    const digest = createHash('sha256').update(JSON.stringify(part)).digest('hex');
    const same = contents.get(digest);
    if (same !== undefined && part.requests > 0)
      throw new UsageError(
        `${p} and ${same} hold the same load result (one shard copied?); merging it twice would double its counts`,
      );
    contents.set(digest, p);
    parts.push(part);
  }
  return parts;
}
