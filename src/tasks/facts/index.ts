// Module family "facts": modules that only read the host and return what they found as ansible_facts (setup,
// package_facts, getent) or as their result (ping).
import type { ModuleSpec } from '../contract.js';
import { package_facts } from './packages.js';
import { ping, setup } from './setup.js';
import { getent } from './getent.js';

export const modules: ModuleSpec[] = [setup, ping, package_facts, getent];
