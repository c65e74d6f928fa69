#!/bin/bash
# Runs one of Ansible's integration targets as a role on localhost, with ansible-playbook or with kplay.
# usage: ANST=/tmp/anst TARGETS=<ansible checkout>/test/integration/targets run.sh TARGET ansible|kplay [CHECKOUT]
# Results in $ANST/TARGET-TOOL/{out.json,err.txt}; compare.py TARGET compares them per task.
# The targets change this machine (users, groups, files): run them on a throwaway host or a lab.
T=$1; TOOL=$2; CO=${3:-$(cd "$(dirname "$0")/../.." && pwd)}; ANST=${ANST:-/tmp/anst}
W=$ANST/$T-$TOOL; rm -rf "$W"; mkdir -p "$W/out"; cd "$W" || exit 1
echo "testhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3" > inv
printf -- '- hosts: testhost\n  gather_facts: true\n  vars:\n    output_dir: %s/out\n  roles:\n    - %s\n' \
  "$W" "$T" > pb.yml
export ANSIBLE_ROLES_PATH=${TARGETS:?set TARGETS to an Ansible checkout\'s test/integration/targets}
if [ "$TOOL" = ansible ]; then
  ANSIBLE_STDOUT_CALLBACK=json timeout 900 ansible-playbook -i inv pb.yml > out.json 2> err.txt
else
  timeout 900 node "$CO/bin/kplay" run pb.yml -i inv --json > out.json 2> err.txt
fi
echo "rc=$?"
