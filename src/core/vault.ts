// Ansible Vault's inline values (`password: !vault |` and the `$ANSIBLE_VAULT;1.1;AES256` text under it).
// kplay has no vault password to decrypt with, so an encrypted value stays encrypted: the `vault_encrypted`
// test tells it apart, and any use of its text (a module argument, a template) fails as Ansible fails
// without a vault secret. (docs/ansible-differences.md)
import { KplayError, type Loc } from './errors.js';

export class VaultText {
  constructor(readonly ciphertext: string) {}
}

export function vaultError(loc?: Loc): KplayError {
  return new KplayError('Attempting to decrypt but no vault secrets found (kplay has no Ansible Vault)', {
    code: 'TASK_FAILED',
    loc,
    hint: 'decrypt the value first (ansible-vault decrypt_string), or keep the secret in the site .env',
  });
}

/** The first encrypted value inside `v` (mappings and lists searched), if any. */
export function findVault(v: unknown, depth = 0): VaultText | undefined {
  if (v instanceof VaultText) return v;
  if (depth > 64 || v === null || typeof v !== 'object') return undefined;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    const hit = findVault(x, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}
