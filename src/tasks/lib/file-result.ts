// What Ansible's file-handling modules return about a path once they are done with it: its state (as it is
// on the host: file, directory, link, absent), mode, uid, gid, owner, group and size.
import type { StatInfo, Vars } from '../contract.js';

export function pathState(st: StatInfo): 'absent' | 'link' | 'directory' | 'file' {
  return !st.exists ? 'absent' : st.islnk ? 'link' : st.isdir ? 'directory' : 'file';
}

/** The path's fields as the stat the module made (lstat for a link) saw them. */
export function pathFields(st: StatInfo): Vars {
  if (!st.exists) return { state: 'absent' };
  return {
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    owner: st.owner,
    group: st.group,
    size: st.size,
    state: pathState(st),
  };
}
