// Module family "net": waiting for ports and files, and HTTP requests, run on the host.
import type { ModuleSpec } from '../contract.js';
import { wait_for } from './wait-for.js';
import { uri } from './uri.js';

export const modules: ModuleSpec[] = [wait_for, uri];
