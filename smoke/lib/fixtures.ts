import { test as base, expect } from '@playwright/test';
import { Recorder } from './evidence.ts';
import { Api } from './http.ts';
import { loadPlan, type SmokePlan } from './plan.ts';

/**
 * gonogo's Playwright fixtures: `plan` (route mapping and KPI numbers), `rec` (evidence and
 * measurements, attached whatever the outcome) and `api` (the paced, host-locked client over
 * Playwright's `request`). Team specs can import these too.
 */
export const test = base.extend<{ plan: SmokePlan; rec: Recorder; api: Api }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  plan: async ({}, use) => {
    await use(loadPlan());
  },
  rec: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
    async ({}, use, info) => {
      const rec = new Recorder();
      await use(rec);
      await rec.attach(info);
    },
    { auto: true },
  ],
  api: async ({ request, plan, rec }, use) => {
    await use(new Api(request, plan, rec));
  },
});

export { expect };
export {
  skip,
  check,
  covered,
  pageCheck,
  pageControl,
  control,
  controlAsFinding,
  requireControl,
  CheckFailed,
  CheckIncomplete,
  ControlFailed,
} from './outcome.ts';
