// The fact script: POSIX sh, ONE call in a host's long-lived shell (a subshell: no exec channel, no new `sh`).
// It prints `key=value` lines (a key may repeat: every interface, address, mount, CPU line), and the environment
// between `@env` and `@/env` (one variable a line, its newlines as \001). It reads files with the shell's own
// `read` where it can: a fork costs more than a read. parseFacts() (facts.ts) turns the lines into Ansible's
// fact names.
import { shellFunction } from '../core/shell-functions.js';

const LINES = String.raw`
echo @env
if [ -r /proc/self/environ ]; then tr '\n\0' '\001\n' < /proc/self/environ; else env; fi
echo; echo @/env
LC_ALL=C; export LC_ALL
p() { printf '%s=%s\n' "$1" "$2"; }
if [ -r /etc/os-release ]; then
  while IFS= read -r l || [ -n "$l" ]; do printf 'osr.%s\n' "$l"; done < /etc/os-release; fi
if [ -r /etc/lsb-release ]; then while IFS= read -r l || [ -n "$l" ]; do printf 'lsb.%s\n' "$l"; done < /etc/lsb-release
elif command -v lsb_release >/dev/null 2>&1; then p lsb_cmd 1; fi
# one line of a file, or nothing (the shell's read: no process)
l1() { x=; { IFS= read -r x < "$1"; } 2>/dev/null; }
[ -r /etc/debian_version ] && l1 /etc/debian_version && p debian_version "$x"
for f in /etc/altlinux-release /etc/oracle-release /etc/slackware-version /etc/centos-release /etc/redhat-release \
  /etc/vmware-release /etc/openwrt_release /etc/system-release /etc/alpine-release /etc/arch-release \
  /etc/SuSE-release /etc/gentoo-release /etc/lsb-release; do [ -e "$f" ] && p relfile "$f"; done
# uname's fields from /proc/sys/kernel (the same strings), uname where it is not there; the machine from uname
# (a 32-bit personality changes it)
u() { l1 "/proc/sys/kernel/$2"; [ -n "$x" ] || x=$(uname "$3"); p "$1" "$x"; }
u system ostype -s; u kernel osrelease -r; u kernel_version version -v; u nodename hostname -n
p machine "$(uname -m)"
p fqdn "$(hostname -f 2>/dev/null || uname -n)"
l1 /etc/machine-id; p machine_id "$x"
i=$(id 2>/dev/null); p id "$i"; u=\${i#uid=}; u=\${u%%(*}
[ -n "$u" ] && p pw "$(getent passwd "$u" 2>/dev/null || grep "^[^:]*:[^:]*:$u:" /etc/passwd 2>/dev/null)"
l1 /proc/1/comm; p init "$x"
[ -x /sbin/openrc ] && p openrc 1
for m in apt-get dnf yum zypper apk pacman; do if command -v $m >/dev/null 2>&1; then p pkg $m; break; fi; done
for m in /usr/bin/python3 /usr/libexec/platform-python /usr/bin/python /usr/local/bin/python3; do
  if [ -x "$m" ]; then p python "$m"; p pyver "$("$m" --version 2>&1)"; break; fi; done
p vcpus "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null ||
  grep -c ^processor /proc/cpuinfo)"
k='processor|Processor|vendor_id|Vendor|cpu|model name|physical id|core id|cpu cores|siblings'
grep -E "^($k)[[:space:]]*:" /proc/cpuinfo 2>/dev/null |
  while IFS= read -r l; do p cpu "$l"; done
while read -r k v _; do case $k in MemTotal:|MemFree:|SwapTotal:|SwapFree:|Buffers:|Cached:|SwapCached:)
  p "mem.$k" "$v";; esac; done < /proc/meminfo
{ read -r up _ < /proc/uptime && p uptime "$up"; } 2>/dev/null
{ read -r a b c _ < /proc/loadavg && p loadavg "$a $b $c"; } 2>/dev/null
[ -r /etc/resolv.conf ] && while read -r k v; do case $k in nameserver|search|domain|options|sortlist)
  p "dns.$k" "$v";; esac; done < /etc/resolv.conf
if [ -r /sys/fs/selinux/enforce ]; then p selinux "$(cat /sys/fs/selinux/enforce)"; fi
[ -d /sys/kernel/security/apparmor ] && p apparmor 1
{ read -r x < /proc/sys/crypto/fips_enabled && p fips "$x"; } 2>/dev/null
date -f - '+date=%s %N %Z %z' 2>/dev/null <<DATES || date '+date=%s %N %Z %z'
now
2000-01-01 12:00
2000-07-01 12:00
DATES
[ -r /proc/1/cgroup ] && while IFS= read -r l; do p cgroup "$l"; done < /proc/1/cgroup
if [ -r /proc/1/environ ]; then c=$( { tr '\0' '\n' < /proc/1/environ | grep '^container='; } 2>/dev/null)
  [ -n "$c" ] && p container "\${c#container=}"; fi
[ -e /proc/vz ] && [ ! -e /proc/lve ] && p openvz "$([ -e /proc/bc ] && echo host || echo guest)"
{ read -r x < /run/systemd/container && p sdcontainer "$x"; } 2>/dev/null
{ [ -e /.dockerenv ] || [ -e /.dockerinit ]; } && p dockerenv 1
for d in product_name sys_vendor bios_vendor; do
  { read -r x < "/sys/devices/virtual/dmi/id/$d" && p "dmi.$d" "$x"; } 2>/dev/null; done
for i in /sys/class/net/*; do [ -e "$i" ] || continue; a=; m=; f=; t=; k=
  { read -r a < "$i/address"; read -r m < "$i/mtu"; read -r f < "$i/flags"; read -r t < "$i/type"; } 2>/dev/null
  [ -d "$i/bridge" ] && k=bridge; [ -d "$i/bonding" ] && k=bonding
  p if "\${i##*/} $a $m $f $t $k"; done
if command -v ip >/dev/null 2>&1; then
  ip -o addr show 2>/dev/null | while read -r _ dev fam addr w1 w2 rest; do case $fam in
    inet) rest="$w1 $w2 $rest"
      case $rest in *" brd "*) brd=\${rest#*brd }; brd=\${brd%% *};; brd\ *) brd=\${rest#brd }; brd=\${brd%% *};;
        *) brd=;; esac
      p addr "$dev $addr $brd";;
    inet6) p addr6 "$dev $addr $w2";; esac
  done
  # a command's first line, without head (one process, not three)
  nl='
'
  f() { r=$(ip "$@" 2>/dev/null); r=\${r%%"$nl"*}; }
  f -4 route get 1.0.0.1; [ -n "$r" ] && p route "$r"
  f -4 route show default; [ -n "$r" ] && p defroute "$r"
  f -6 route show default; [ -n "$r" ] && p defroute6 "$r"
fi
set --
while read -r dev mnt fs opts _; do case $dev in /*|*:/*) [ "$fs" = none ] && continue
  p mount "$dev $mnt $fs $opts"; case $dev$mnt in /*\\*) ;; /*) set -- "$@" "$mnt";; esac;; esac; done < /proc/mounts
[ $# -gt 0 ] && stat -f -c 'statfs=%n|%S|%s|%b|%f|%a|%c|%d' -- "$@" 2>/dev/null
p end 1
`;

/** Run as `sh -c FACTS_SCRIPT`: in a host's long-lived shell, a function whose body is a subshell (it exports
 *  LC_ALL and defines functions of its own). */
export const FACTS_SCRIPT = shellFunction(LINES.replace(/\\\$/g, '$').replace(/^\n/, ''), { subshell: true });
