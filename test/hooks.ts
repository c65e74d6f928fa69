// Root hooks for mocha. bin/kplay runs the bundle (build/bundle.ts): one older than tsc's output is made again
// first, so the tests never run yesterday's command line. The lab: integration tests bring the shared lab up
// lazily with `useLab()` (test/lab/helpers.ts); whatever labs the run started are taken down here, after the last test.
import { bundle, bundleStale } from '../build/bundle.js';
import { labAfterAll } from './lab/helpers.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    if (bundleStale()) await bundle();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    await labAfterAll();
  },
};
