// Module family "packages": apt, apt_key, apt_repository, dpkg_selections, dnf/yum, package and pip, one file each
// (named for the module); what several of them need is in shared.ts (dpkg's state, what a package change
// touches) and apt-cache.ts (apt's cache: policy, age, refresh).
import type { ModuleSpec } from '../contract.js';
import { apt } from './apt.js';
import { apt_key } from './apt-key.js';
import { apt_repository } from './apt-repo.js';
import { dnf, yum } from './dnf.js';
import { dpkg_selections } from './dpkg.js';
import { pkg } from './package.js';
import { pip } from './pip.js';

export const modules: ModuleSpec[] = [apt, apt_key, apt_repository, dpkg_selections, dnf, yum, pkg, pip];
