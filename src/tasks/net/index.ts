// Module family "net": waiting for ports, files and the host itself, HTTP requests, iptables rules, image
// pushes to a registry.
import type { ModuleSpec } from '../contract.js';
import { wait_for } from './wait-for.js';
import { image_push } from './image-push.js';
import { uri } from './uri.js';
import { wait_for_connection } from './wait-for-connection.js';
import { iptables } from './iptables.js';

export const modules: ModuleSpec[] = [wait_for, uri, wait_for_connection, iptables, image_push];
