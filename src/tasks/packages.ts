// Module family "packages" (issue 5): filled in by the module library work.
import type { ModuleSpec } from './schema.js';

export const modules: ModuleSpec[] = [];
