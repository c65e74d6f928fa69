// Facts about the host's user, clock, Python, resolver, memory and CPUs, from the fact script's lines
// (facts-script.ts), under Ansible's names and shapes. Each reader takes the lines by key (`all`) and returns
// the facts it could make; a fact the host gave nothing for is left out (not made up).
type Lines = Map<string, string[]>;
type Facts = Record<string, unknown>;

const first = (all: Lines, k: string) => all.get(k)?.[0];

/** ansible_user_*: `id` and the passwd entry. */
export function userFacts(all: Lines): Facts {
  const id = first(all, 'id') ?? '';
  const m = /^uid=(\d+)(?:\(([^)]*)\))?\s+gid=(\d+)/.exec(id);
  if (!m) return {};
  const f: Facts = { ansible_user_id: m[2] ?? m[1] };
  const uid = Number(m[1]);
  const gid = Number(m[3]);
  f.ansible_user_uid = uid;
  f.ansible_user_gid = gid;
  f.ansible_real_user_id = uid;
  f.ansible_effective_user_id = Number(/\beuid=(\d+)/.exec(id)?.[1] ?? uid);
  f.ansible_real_group_id = gid;
  f.ansible_effective_group_id = Number(/\begid=(\d+)/.exec(id)?.[1] ?? gid);
  const pw = (first(all, 'pw') ?? '').split('\n')[0]!.split(':');
  if (pw.length >= 7) {
    f.ansible_user_gecos = pw[4];
    f.ansible_user_dir = pw[5];
    f.ansible_user_shell = pw[6];
  }
  return f;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function offsetMinutes(z: string): number | undefined {
  const m = /^([+-])(\d\d)(\d\d)$/.exec(z);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : undefined;
}

/** ansible_date_time from `date '+%s %N %Z %z'` (now, then 1 January and 1 July of 2000 for the DST name). */
export function dateTimeFacts(all: Lines): Facts {
  const lines = (all.get('date') ?? []).map((l) => l.split(' '));
  const now = lines[0];
  if (!now || !/^\d+$/.test(now[0] ?? '')) return {};
  const epoch = Number(now[0]);
  const micro = /^\d{9}$/.test(now[1] ?? '') ? now[1]!.slice(0, 6) : '000000';
  const tz = now[2] ?? 'UTC';
  const offset = offsetMinutes(now[3] ?? '') ?? 0;
  const utc = new Date(epoch * 1000);
  const local = new Date((epoch + offset * 60) * 1000);
  const ymd = (d: Date) => [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
  const hms = (d: Date) => [pad(d.getUTCHours()), pad(d.getUTCMinutes()), pad(d.getUTCSeconds())];
  const [y, mo, d] = ymd(local);
  const [h, mi, s] = hms(local);
  const wday = local.getUTCDay();
  const yday = Math.floor(
    (Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) -
      Date.UTC(local.getUTCFullYear(), 0, 1)) /
      86400000,
  );
  // the zone's DST name as Python's time.tzname[1]: the one of winter and summer with the larger offset
  let dst = tz;
  const [jan, jul] = [lines[1], lines[2]];
  if (jan && jul) {
    const [oj, ou] = [offsetMinutes(jan[3] ?? '') ?? 0, offsetMinutes(jul[3] ?? '') ?? 0];
    dst = (ou > oj ? jul[2] : oj > ou ? jan[2] : jan[2]) ?? tz;
  }
  const u = [...ymd(utc), ...hms(utc)];
  return {
    ansible_date_time: {
      year: String(y),
      month: mo,
      day: d,
      hour: h,
      minute: mi,
      second: s,
      date: `${y}-${mo}-${d}`,
      time: `${h}:${mi}:${s}`,
      epoch: String(epoch),
      epoch_int: String(epoch),
      iso8601: `${u[0]}-${u[1]}-${u[2]}T${u[3]}:${u[4]}:${u[5]}Z`,
      iso8601_micro: `${u[0]}-${u[1]}-${u[2]}T${u[3]}:${u[4]}:${u[5]}.${micro}Z`,
      iso8601_basic: `${y}${mo}${d}T${h}${mi}${s}${micro}`,
      iso8601_basic_short: `${y}${mo}${d}T${h}${mi}${s}`,
      tz,
      tz_dst: dst,
      tz_offset: now[3] ?? '+0000',
      weekday: DAYS[wday],
      weekday_number: String(wday),
      weeknumber: pad(Math.floor((yday + 7 - ((wday + 6) % 7)) / 7)),
    },
  };
}

const LEVELS: Record<string, string> = { a: 'alpha', b: 'beta', rc: 'candidate' };

/** ansible_python / ansible_python_version from `python3 --version` (only where a Python is installed). */
export function pythonFacts(all: Lines): Facts {
  const exe = first(all, 'python');
  const m = /Python (\d+)\.(\d+)\.(\d+)(a|b|rc)?(\d+)?/.exec(first(all, 'pyver') ?? '');
  if (!exe || !m) return {};
  const [major, minor, micro] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const releaselevel = m[4] ? LEVELS[m[4]]! : 'final';
  const serial = Number(m[5] ?? 0);
  return {
    ansible_python: {
      executable: exe,
      has_sslcontext: true,
      type: /PyPy/.test(first(all, 'pyver') ?? '') ? 'pypy' : 'cpython',
      version: { major, minor, micro, releaselevel, serial },
      version_info: [major, minor, micro, releaselevel, serial],
    },
    ansible_python_version: `${major}.${minor}.${micro}`,
  };
}

/** ansible_dns from /etc/resolv.conf. */
export function dnsFacts(all: Lines): Facts {
  const dns: Facts = {};
  const ns = all.get('dns.nameserver');
  if (ns) dns.nameservers = ns.map((v) => v.split(/\s+/)[0]);
  const domain = all.get('dns.domain');
  if (domain) dns.domain = domain.at(-1)!.split(/\s+/)[0];
  const search = all.get('dns.search');
  if (search) dns.search = search.at(-1)!.split(/\s+/);
  const sort = all.get('dns.sortlist');
  if (sort) dns.sortlist = sort.at(-1)!.split(/\s+/);
  const opts = all.get('dns.options');
  if (opts) {
    const o: Facts = {};
    for (const w of opts.join(' ').split(/\s+/).filter(Boolean)) {
      const [k, v] = w.split(':');
      o[k!] = v === undefined ? true : v;
    }
    dns.options = o;
  }
  return { ansible_dns: dns };
}

/** ansible_lsb: /etc/lsb-release, or (lsb_release installed, no file) what it reads: /etc/os-release. */
export function lsbFacts(all: Lines, osr: Record<string, string>): Facts {
  const lsb: Record<string, string> = {};
  for (const l of all.get('lsbfile') ?? []) {
    const m = /^DISTRIB_(ID|RELEASE|DESCRIPTION|CODENAME)=(.*)$/.exec(l);
    if (m) lsb[m[1]!.toLowerCase()] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  if (!all.has('lsbfile') && first(all, 'lsb_cmd') === '1' && osr.NAME) {
    lsb.id = osr.NAME.split(' ')[0]!;
    if (osr.PRETTY_NAME) lsb.description = osr.PRETTY_NAME;
    if (osr.VERSION_ID) lsb.release = osr.VERSION_ID;
    if (osr.VERSION_CODENAME) lsb.codename = osr.VERSION_CODENAME;
  }
  if (lsb.release) lsb.major_release = lsb.release.split('.')[0]!;
  return { ansible_lsb: lsb };
}

/** ansible_*_mb and ansible_memory_mb from /proc/meminfo (kB, divided as Ansible does). */
export function memoryFacts(kv: Record<string, string>): Facts {
  const kb = (k: string) => Number(kv[`mem.${k}:`]) || 0;
  const mb = (n: number) => Math.floor(n / 1024);
  const [total, free, swap, swapFree] = [kb('MemTotal'), kb('MemFree'), kb('SwapTotal'), kb('SwapFree')];
  const nocache = free + kb('Buffers') + kb('Cached');
  return {
    ansible_memtotal_mb: mb(total),
    ansible_memfree_mb: mb(free),
    ansible_swaptotal_mb: mb(swap),
    ansible_swapfree_mb: mb(swapFree),
    ansible_memory_mb: {
      real: { total: mb(total), free: mb(free), used: mb(total - free) },
      nocache: { free: mb(nocache), used: mb(total - nocache) },
      swap: { total: mb(swap), free: mb(swapFree), used: mb(swap - swapFree), cached: mb(kb('SwapCached')) },
    },
  };
}

/** ansible_processor* from /proc/cpuinfo's lines, counted as Ansible counts them. */
export function cpuFacts(all: Lines, arch: string, nproc: number): Facts {
  const lines = all.get('cpu');
  if (!lines) return { ansible_processor_vcpus: nproc, ansible_processor_nproc: nproc };
  const processor: string[] = [];
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let [i, vendors, models, procs] = [0, 0, 0, 0];
  let [physid, coreid] = ['0', '0'];
  for (const l of lines) {
    const at = l.indexOf(':');
    const key = l.slice(0, at).trim();
    const val = l.slice(at + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendors++;
      if (key === 'model name') models++;
      if (key === 'processor') procs++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number(val));
    else if (key === 'siblings') cores.set(coreid, Number(val));
  }
  if (vendors > 0 && vendors === models) i = vendors;
  if (/^(armv|aarch|ppc)/.test(arch)) i = procs;
  const count = sockets.size > 0 ? sockets.size : i;
  const perSocket = [...sockets.values()][0] || 1;
  const siblings = [...cores.values()][0];
  const threads = siblings !== undefined ? Math.floor(siblings / perSocket) : Math.floor(1 / perSocket);
  return {
    ansible_processor: processor,
    ansible_processor_count: count,
    ansible_processor_cores: perSocket,
    ansible_processor_threads_per_core: threads,
    ansible_processor_vcpus: threads * count * perSocket || nproc,
    ansible_processor_nproc: nproc,
  };
}
