// Root hooks for mocha. The lab (issue 3) adds its hooks here.
export const mochaHooks = {};
