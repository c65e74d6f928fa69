// pki_ca_rollover: a CA replaced without a moment in which two components distrust each other, in three steps
// with a push of the cluster between each (96.update-certs.yml with CHANGE_CA=true):
//   begin    makes the next CA (<name>-next.pem, -next-key.pem). The trust bundle (pki_trust) then holds both
//            CAs: pushed, every component accepts certificates of either; the certificates are still the old.
//   promote  the next CA becomes the CA (<name>.pem, -key.pem); the old certificate is kept as
//            <name>-previous.pem, still trusted. pki_cert then issues every certificate anew under the new CA.
//   finish   drops <name>-previous.pem: pushed, the old CA is trusted nowhere.
// Each step is safe to run again, and a rollover cut short resumes: begin makes nothing once a next CA is there
// or once it was promoted (a previous one is there), promote does nothing without a next CA, finish nothing
// without a previous one; a promotion cut short (a previous CA and a next one both there) is completed by
// whichever step runs next, so the CA and its key are a pair again before anything reads them.
import { posix } from 'node:path';
import type { Change } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { describeCert, makeCa, parseCert } from './x509.js';
import { astr, choice, defineTask, apath } from '../lib/schema.js';
import { days, keyType, readFile, folder, put, keyDiff, secretKey, newSecretKey } from './files.js';

export const pki_ca_rollover = defineTask({
  name: 'pki_ca_rollover',
  pendingTouches: (a) =>
    ['', '-key', '-next', '-next-key', '-previous'].map(
      (s) => `file:${posix.join(String(a.path), `${a.name ?? 'ca'}${s}.pem`)}`,
    ),
  description:
    "kplay's own: one step of a CA rollover. begin: make the next CA (<name>-next.pem, -next-key.pem); " +
    'promote: make it the CA, keeping the old certificate as <name>-previous.pem; finish: drop the previous one. ' +
    'pki_trust bundles the CAs a rollover trusts.',
  args: {
    path: apath(),
    name: astr().default('ca'),
    step: choice(['begin', 'promote', 'finish']),
    common_name: astr().default('kubernetes-ca'),
    organization: astr(),
    days: days(),
    key_type: keyType('ec'),
  },
  required: ['path', 'step'],
  returns: { state: 'where the rollover stands after the step: none, begun or promoted' },
  example: '- pki_ca_rollover:\n    path: "{{ base_dir }}/ssl"\n    name: ca\n    step: begin',
  async plan(args, _host, facts) {
    const dir = args.path!;
    const file = (suffix: string) => readFile(facts, posix.join(dir, `${args.name}${suffix}.pem`));
    const [cur, curKey, next, nextKey, prev] = await Promise.all(
      ['', '-key', '-next', '-next-key', '-previous'].map(file),
    );
    const curInfo = await parseCert(cur!.content);
    if (!curInfo) throw taskFailed(`CA certificate ${cur!.path} not found or unreadable (make it with pki_ca first)`);
    const nextInfo = await parseCert(next!.content);
    const nextK = secretKey(nextKey!.content);
    if (next!.content && (!nextInfo || !nextK || !nextInfo.spki.equals(nextK.spki)))
      throw taskFailed(
        `${next!.path} and ${nextKey!.path} are not a CA and its key: remove both and begin again (the CAs in use ` +
          'are not affected)',
      );
    const state = (s: 'none' | 'begun' | 'promoted') => ({ state: s });
    const nothing = (s: 'none' | 'begun' | 'promoted') => ({ changes: [], result: state(s) });
    const had = prev!.st.exists ? 'promoted' : nextInfo ? 'begun' : 'none';
    // a promotion cut short (the old certificate kept, the next CA still there): ca.pem and ca-key.pem may not be
    // a pair, so whatever step runs first completes it, before a push reads them
    const promote = (): Change[] => {
      const same = (a: Buffer | undefined, b: Buffer | undefined) => a !== undefined && b !== undefined && a.equals(b);
      return [
        // the old certificate first: a promotion cut short leaves it trusted, and running it again completes it
        ...(prev!.st.exists
          ? []
          : [
              put(
                'pki_ca_rollover',
                prev!,
                cur!.content!.toString('utf8'),
                '0644',
                { before: '', after: describeCert(curInfo) },
                'retired',
              ),
            ]),
        ...(same(curKey!.content, nextKey!.content)
          ? []
          : [put('pki_ca_rollover', curKey!, nextK!.pem, '0600', keyDiff(curKey!), 'the next CA')]),
        ...(same(cur!.content, next!.content)
          ? []
          : [
              put('pki_ca_rollover', cur!, next!.content!.toString('utf8'), '0644', {
                before: describeCert(curInfo),
                after: describeCert(nextInfo),
              }),
            ]),
        ...[next!, nextKey!].map((f) => ({
          summary: `pki_ca_rollover: remove ${f.path} (promoted)`,
          actions: [{ remove: f.path }],
          touches: [`file:${f.path}`],
        })),
      ];
    };
    if (nextInfo && (args.step === 'promote' || prev!.st.exists))
      return { changes: promote(), result: state('promoted') };
    if (args.step === 'begin') {
      if (had !== 'none') return nothing(had);
      const mk = await folder(facts, dir, '0700', 'pki_ca_rollover');
      const k = await newSecretKey(args.key_type);
      const subject = { cn: args.common_name, o: args.organization ? [args.organization] : [] };
      const pem = await makeCa(subject, args.days, k);
      const made = (await parseCert(Buffer.from(pem)))!;
      const changes: Change[] = mk ? [mk] : [];
      changes.push(
        put('pki_ca_rollover', nextKey!, k.pem, '0600', keyDiff(nextKey!), 'the next CA', true),
        put('pki_ca_rollover', next!, pem, '0644', { before: '', after: describeCert(made) }, 'the next CA', true),
      );
      return { changes, result: state('begun') };
    }
    if (args.step === 'promote') return nothing(had);
    if (!prev!.st.exists) return nothing(had);
    const drop: Change = {
      summary: `pki_ca_rollover: remove ${prev!.path} (the old CA is trusted no more)`,
      diff: { path: prev!.path, before: describeCert(await parseCert(prev!.content)), after: '' },
      actions: [{ remove: prev!.path }],
      touches: [`file:${prev!.path}`],
    };
    return { changes: [drop], result: state(nextInfo ? 'begun' : 'none') };
  },
});
