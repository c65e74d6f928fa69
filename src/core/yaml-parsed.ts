// A YAML text parsed into its document once per process: a run reads some files many times (every role that
// depends on kplay-defaults reads its defaults again, the site linter reads the roles' defaults), and parsing is
// most of a --syntax-check. A memo of a pure function of its key, the text (YAML 1.1 and Ansible's tags, always);
// the documents are only read (source.ts walks each into fresh values), so nothing a caller does reaches another.
import { parseDocument } from 'yaml';
import { ansibleTags } from './yaml-tags.js';
import { type Continued, parseWithContinuations } from './yaml-continuations.js';

/** Characters of text whose documents are kept, all together; past it the memo starts again. */
const MAX_HELD = 4 << 20;
const memo = new Map<string, Continued>();
let held = 0;

/** The document of `text` (with Ansible's continued quoted strings; yaml-continuations.ts). */
export function parsedYaml(text: string): Continued {
  const hit = memo.get(text);
  if (hit) return hit;
  const parsed = parseWithContinuations(text, (t) =>
    parseDocument(t, { version: '1.1', prettyErrors: false, uniqueKeys: true, customTags: ansibleTags }),
  );
  if (text.length <= MAX_HELD) {
    if (held + text.length > MAX_HELD) {
      memo.clear();
      held = 0;
    }
    memo.set(text, parsed);
    held += text.length;
  }
  return parsed;
}
