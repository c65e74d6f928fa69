// Module family "transfer": moving files between the controller, the host and the network.
// slurp, fetch, script, unarchive and get_url, one file each; archive.ts reads tar and zip member lists,
// shared.ts finds controller files and names host temp files.
import type { ModuleSpec } from '../contract.js';
import { fetch } from './fetch.js';
import { get_url } from './get-url.js';
import { script } from './script.js';
import { slurp } from './slurp.js';
import { unarchive } from './unarchive.js';

export const modules: ModuleSpec[] = [slurp, fetch, script, unarchive, get_url];
