import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveIdentity } from '../../history/identity.ts';

const empty = mkdtempSync(join(tmpdir(), 'gonogo-identity-'));

describe('where a recorded run belongs', () => {
  it('GitHub Actions: a pull request under its source branch; flags and the config win', async () => {
    const gh = {
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_REF_NAME: '42/merge',
      GITHUB_HEAD_REF: 'feature/pay',
      GITHUB_SHA: 'aaa',
    };
    expect(await resolveIdentity({}, undefined, gh, empty)).toEqual({
      project: 'acme/shop',
      branch: 'feature/pay',
      commit: 'aaa',
    });
    expect(await resolveIdentity({}, undefined, { ...gh, GITHUB_HEAD_REF: '' }, empty)).toMatchObject({
      branch: '42/merge',
    });
    expect(await resolveIdentity({ branch: 'main', commit: 'bbb' }, 'shop', gh, empty)).toEqual({
      project: 'shop',
      branch: 'main',
      commit: 'bbb',
    });
    expect(await resolveIdentity({ project: 'flag' }, 'shop', gh, empty)).toMatchObject({ project: 'flag' });
  });

  it("GitLab CI: the project path, a merge request's source branch, else the pipeline's branch", async () => {
    const gl = {
      CI_PROJECT_PATH: 'acme/blog',
      CI_COMMIT_BRANCH: 'main',
      CI_COMMIT_REF_NAME: 'main',
      CI_COMMIT_SHA: 'ccc',
    };
    expect(await resolveIdentity({}, undefined, gl, empty)).toEqual({
      project: 'acme/blog',
      branch: 'main',
      commit: 'ccc',
    });
    expect(
      await resolveIdentity(
        {},
        undefined,
        { ...gl, CI_COMMIT_BRANCH: '', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'fix/login' },
        empty,
      ),
    ).toMatchObject({ branch: 'fix/login' });
  });

  it("outside CI: git's branch and commit, the folder's name; a detached HEAD or no repository has no branch", async () => {
    const repo = mkdtempSync(join(tmpdir(), 'gonogo-identity-git-'));
    const git = (...a: string[]) =>
      execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: repo });
    await git('init', '-q', '-b', 'trunk');
    await git('commit', '-q', '--allow-empty', '-m', 'x');
    const sha = (await git('rev-parse', 'HEAD')).stdout.trim();
    expect(await resolveIdentity({}, undefined, {}, repo)).toEqual({
      project: basename(repo),
      branch: 'trunk',
      commit: sha,
    });
    await git('checkout', '-q', '--detach');
    expect(await resolveIdentity({}, undefined, {}, repo)).toEqual({
      project: basename(repo),
      branch: 'unknown',
      commit: sha,
    });
    expect(await resolveIdentity({}, undefined, {}, empty)).toEqual({
      project: basename(empty),
      branch: 'unknown',
      commit: null,
    });
  });
});
