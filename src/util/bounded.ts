/**
 * Appends `item` to a list held at `max` items at most. An item that `keep` accepts (a uid 0
 * account, an account without a password) still gets in when the list is full, in place of
 * the last ordinary item, so a limit never hides what matters most. Returns whether the
 * list now holds it.
 */
export function pushBounded<T>(list: T[], item: T, max: number, keep?: (x: T) => boolean): boolean {
  if (list.length < max) {
    list.push(item);
    return true;
  }
  if (!keep?.(item)) return false;
  for (let i = list.length - 1; i >= 0; i--) {
    if (keep(list[i]!)) continue;
    list.splice(i, 1);
    list.push(item);
    return true;
  }
  return false; // the list holds only items that matter as much
}
