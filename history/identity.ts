import { basename } from 'node:path';
import { execa } from 'execa';
import type { RunIdentity } from './columns.ts';

export interface IdentityFlags {
  project?: string;
  branch?: string;
  commit?: string;
}

const first = (...values: Array<string | undefined>): string | undefined =>
  values.find((v) => v !== undefined && v.trim() !== '')?.trim();

async function git(args: string[], cwd: string): Promise<string | undefined> {
  const r = await execa('git', args, { cwd, reject: false, timeout: 5000 });
  return r.exitCode === 0 && typeof r.stdout === 'string' && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/**
 * Where a run belongs. Each field: the flag, then the config (project only), then the CI's variables (GitHub Actions,
 * GitLab CI), then git in the working folder; a pull request's run is recorded under its source branch.
 */
export async function resolveIdentity(
  flags: IdentityFlags,
  configProject: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<RunIdentity> {
  const project = first(flags.project, configProject, env.GITHUB_REPOSITORY, env.CI_PROJECT_PATH) ?? basename(cwd);
  let branch = first(
    flags.branch,
    env.GITHUB_HEAD_REF,
    env.GITHUB_REF_NAME,
    env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME,
    env.CI_COMMIT_BRANCH,
    env.CI_COMMIT_REF_NAME,
  );
  let commit = first(flags.commit, env.GITHUB_SHA, env.CI_COMMIT_SHA);
  if (branch === undefined) {
    const b = await git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd);
    // A detached HEAD has no branch name.
    branch = b && b !== 'HEAD' ? b : undefined;
  }
  commit ??= await git(['rev-parse', 'HEAD'], cwd);
  return { project, branch: branch ?? 'unknown', commit: commit ?? null };
}
