#!/usr/bin/env python3
"""totals.py (bench/ansible-targets): after run.sh has run every target of targets.txt with both tools into $ANST,
prints the share of the tasks Ansible passes that kplay passes: module targets, all targets, and each target
kplay does not pass in full."""
import os, re, subprocess, sys
here = os.path.dirname(os.path.abspath(__file__))
lines = [l.split() for l in open(os.path.join(here, 'targets.txt')) if l.strip() and not l.startswith('#')]
mods, alls = lines[0], lines[0] + lines[1]
res = {}
for t in alls:
    out = subprocess.run([sys.executable, os.path.join(here, 'compare.py'), t], capture_output=True, text=True).stdout
    m = re.search(r'passes (\d+) of (\d+)', out)
    if m: res[t] = (int(m[1]), int(m[2]))
def line(what, ts):
    ts = [t for t in ts if t in res]
    a = sum(res[t][0] for t in ts); b = sum(res[t][1] for t in ts)
    print(f'{what} ({len(ts)} targets): {a} of {b} = {100 * a / max(b, 1):.1f}%')
line('module targets', mods)
line('all targets', alls)
for t, (a, b) in sorted(res.items(), key=lambda x: x[1][0] - x[1][1]):
    if a < b: print(f'  {t}: {a}/{b}')
