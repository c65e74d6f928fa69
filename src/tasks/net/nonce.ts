// Probes made here carry a nonce, so a retried task (until/retries) probes again instead of reading the
// run's cache.
import { randomBytes } from 'node:crypto';

export const nonce = () => `${Date.now()}-${randomBytes(4).toString('hex')}`;
