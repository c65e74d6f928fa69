// Where an item is in a loop, as Jinja's `loop` and Ansible's `ansible_loop` (loop_control.extended) say it.

export function loopPosition(items: unknown[], i: number): Record<string, unknown> {
  const n = items.length;
  const out: Record<string, unknown> = {
    index: i + 1,
    index0: i,
    revindex: n - i,
    revindex0: n - i - 1,
    first: i === 0,
    last: i === n - 1,
    length: n,
  };
  if (i > 0) out.previtem = items[i - 1];
  if (i < n - 1) out.nextitem = items[i + 1];
  return out;
}
