// Module family "users": user and group.
import type { ModuleSpec } from '../contract.js';
import { user } from './user.js';
import { group } from './group.js';

export const modules: ModuleSpec[] = [user, group];
