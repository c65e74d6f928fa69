// Module family "users": user, group and htpasswd.
import type { ModuleSpec } from '../contract.js';
import { user } from './user.js';
import { htpasswd } from './htpasswd.js';
import { group } from './group.js';

export const modules: ModuleSpec[] = [user, group, htpasswd];
