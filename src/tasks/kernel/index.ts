// Module family "kernel": sysctl, modprobe, mount, swap (kplay's own) and selinux. Each reads the live state
// with read-only probes and the config files with `read`, and plans file edits plus the live command.
// One file each; shared.ts has the file reads and probe keys they share, fstab.ts the fstab lines (mount, swap).
import type { ModuleSpec } from '../contract.js';
import { modprobe } from './modprobe.js';
import { mount } from './mount.js';
import { selinux } from './selinux.js';
import { swap } from './swap.js';
import { sysctl } from './sysctl.js';

export const modules: ModuleSpec[] = [sysctl, modprobe, mount, swap, selinux];
