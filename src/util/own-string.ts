/**
 * A copy of a substring that no longer keeps its parent alive. V8 keeps substrings of 13 or
 * more characters as views into the string they were cut from, so a few short values kept from
 * a file read whole (a multi-megabyte dpkg status file) retain all of it between refreshes.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
