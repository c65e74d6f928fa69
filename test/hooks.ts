// Root hooks for mocha. The lab: integration tests bring the shared lab up lazily with `useLab()`
// (test/lab/helpers.ts); whatever labs the run started are taken down here, after the last test.
import { labAfterAll } from './lab/helpers.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    await labAfterAll();
  },
};
