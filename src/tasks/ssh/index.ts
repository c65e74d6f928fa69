// Module family "ssh": known_hosts and authorized_key.
import type { ModuleSpec } from '../contract.js';
import { known_hosts } from './known-hosts.js';
import { authorized_key } from './authorized-key.js';

export const modules: ModuleSpec[] = [known_hosts, authorized_key];
