// The YAML tags Ansible's loader knows beyond YAML 1.1's own: PyYAML's booleans, `!unsafe` (text never
// templated) and `!vault` (an encrypted value). Any other tag is refused by source.ts.
import type { Tags, YAMLMap, YAMLSeq } from 'yaml';
import { VaultText } from './vault.js';

/**
 * Ansible's `!unsafe` text is never templated: kept as the same text, inside a Jinja raw block when it holds
 * template markers, so that rendering it anywhere gives it back as written.
 */
const UNSAFE_TAG = {
  tag: '!unsafe',
  resolve: (text: string): string =>
    /\{[{%#]/.test(text) && !text.includes('{% endraw %}') ? `{% raw %}${text}{% endraw %}` : text,
};

/** `!unsafe` on a list or a mapping: every text inside is unsafe (toValue wraps them). */
const UNSAFE_COLLECTIONS = (['seq', 'map'] as const).map((collection) => ({
  tag: '!unsafe',
  collection,
  resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => node,
}));

/** Ansible Vault's inline value: kept encrypted (core/vault.ts). */
const VAULT_TAG = {
  tag: '!vault',
  resolve: (text: string) => new VaultText(text),
};

/** PyYAML (Ansible's loader) reads only yes/no, true/false, on/off as booleans; `y` and `n` stay strings. */
export function ansibleTags(tags: Tags): Tags {
  return [...pyBools(tags), UNSAFE_TAG, ...UNSAFE_COLLECTIONS, VAULT_TAG];
}

function pyBools(tags: Tags): Tags {
  return tags.map((t) => {
    if (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:bool' || !t.test) return t;
    const yes = t.test.test('yes');
    return {
      ...t,
      test: yes ? /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/ : /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
    };
  });
}

/** Text marked `!unsafe` (alone or inside an unsafe list or mapping): never templated. */
export function unsafeText(text: string): string {
  return UNSAFE_TAG.resolve(text);
}
