// Module family "users": user, group and getent.
import type { ModuleSpec } from '../contract.js';
import { user } from './user.js';
import { group } from './group.js';
import { getent } from './getent.js';

export const modules: ModuleSpec[] = [user, group, getent];
