import type { Report } from '../core/report-schema.ts';
import type { HistoryConfig } from '../config/history.ts';
import { resolveIdentity, type IdentityFlags } from './identity.ts';
import { storeLocation } from './location.ts';
import { HistoryStore } from './store.ts';

/** Records one finished run (`gonogo run --record`) and says where, in one line. */
export async function recordRun(
  report: Report,
  history: HistoryConfig,
  flags: IdentityFlags,
  env: NodeJS.ProcessEnv,
  baseDir: string,
): Promise<string> {
  const store = await HistoryStore.open(storeLocation(history, env, undefined, baseDir));
  try {
    const who = await resolveIdentity(flags, history.project, env, process.cwd());
    const { stored } = await store.record(report, who);
    return `History: run ${report.run.id} ${stored ? 'recorded' : 'was already recorded'} in ${store.where} (project ${who.project}, branch ${who.branch}${who.commit ? `, commit ${who.commit.slice(0, 12)}` : ''})`;
  } finally {
    await store.close();
  }
}
