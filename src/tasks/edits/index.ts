// Module family "edits": blockinfile and replace, Ansible's documented behaviour, reimplemented.
import type { ModuleSpec } from '../contract.js';
import { blockinfile } from './blockinfile.js';
import { replace } from './replace.js';

export const modules: ModuleSpec[] = [blockinfile, replace];
