#!/usr/bin/env python3
"""compare.py TARGET [-v] (bench/ansible-targets, see run.sh): per task (file:line), the tasks Ansible passed
(ok/changed, not failed, not skipped) that kplay did not pass. Reads $ANST/TARGET-ansible/out.json (the json
callback) and $ANST/TARGET-kplay/out.json (kplay --json)."""
import json, os, sys, collections
A = os.environ.get('ANST', '/tmp/anst'); T = sys.argv[1]; verbose = '-v' in sys.argv
def passed(r):
    return not r.get('failed') and not r.get('skipped') and not r.get('unreachable')
ans = collections.Counter(); names = {}
try:
    text = open(f'{A}/{T}-ansible/out.json').read()
    d = json.loads(text[text.find('\n{') + 1 if not text.startswith('{') else 0:])  # pause prints before the json
    for p in d['plays']:
        for t in p['tasks']:
            path = t['task'].get('path') or 'gather_facts'
            if t['task']['name'] == 'Gathering Facts': path = 'gather_facts'
            for h, r in t['hosts'].items():
                if r.get('action') in ('include_tasks', 'include_role'): continue  # no result of its own in kplay
                if passed(r): ans[path] += 1; names[path] = t['task']['name']
except Exception as e:
    print(f'{T}: no Ansible result ({e})'); sys.exit(0)
kp = collections.Counter(); kmsg = {}
for line in open(f'{A}/{T}-kplay/out.json'):
    try: e = json.loads(line)
    except Exception: continue
    if e.get('type') != 'host_result': continue
    tid = e.get('taskId', '')
    key = 'gather_facts' if tid == 'gather_facts' else ':'.join(tid.split('@')[0].split(':')[:2])
    if e['status'] in ('ok', 'changed'): kp[key] += 1
    else: kmsg.setdefault(key, f"{e['status']}: {str(e.get('msg',''))[:160]}")
total = sum(ans.values()); got = sum(min(n, kp[k]) for k, n in ans.items())
print(f'{T}: kplay passes {got} of {total} tasks Ansible passes')
if total and got < total:
    err = open(f'{A}/{T}-kplay/err.txt').read().strip().splitlines()
    if not kp: print('  kplay:', (err[-1] if err else '')[:200])
    for k, n in ans.items():
        if kp[k] < n and (verbose or len([1 for _ in ans]) < 400):
            print(f'  missed {n - kp[k]}x {k} "{names[k]}" -> {kmsg.get(k, "not run")}')
