import type { PasswdEntry } from '../../host/homes.js';
import type { FactRow } from '../types.js';

/** Shells that refuse an interactive login (nologin(8), false(1)) or just run one command (sync, halt). */
const NO_LOGIN = new Set(['nologin', 'false', 'true', 'sync', 'shutdown', 'halt']);

/** Whether an account can log in interactively: an empty shell field means /bin/sh (passwd(5)). */
export function isLoginShell(shell: string): boolean {
  if (shell.trim() === '') return true;
  const base = shell.trim().split('/').pop() ?? '';
  return !NO_LOGIN.has(base);
}

export interface UsersFacts {
  users: FactRow[];
  summary: FactRow;
}

/** Rows of the users table and the account counts. Duplicate names: the first entry wins, as in getpwnam(3). */
export function userFacts(entries: PasswdEntry[]): UsersFacts {
  const users: FactRow[] = [];
  const seen = new Set<string>();
  const uidCount = new Map<number, number>();
  for (const e of entries) uidCount.set(e.uid, (uidCount.get(e.uid) ?? 0) + 1);
  let duplicates = 0;
  for (const e of entries) {
    if (seen.has(e.name)) {
      duplicates++;
      continue;
    }
    seen.add(e.name);
    const uid0 = e.uid === 0 && e.name !== 'root';
    users.push({
      name: e.name,
      uid: e.uid,
      gid: e.gid,
      home: e.home,
      shell: e.shell,
      login_shell: isLoginShell(e.shell),
      system: e.uid < 1000 || e.uid === 65534,
      // Only flagged accounts get a value, so hostbaseline_user_uid0 lists just them.
      uid0_non_root: uid0 ? 1 : null,
      shared_uid: (uidCount.get(e.uid) ?? 0) > 1,
    });
  }
  return {
    users,
    summary: {
      accounts: users.length,
      login_shell_accounts: users.filter((u) => u.login_shell).length,
      uid0_non_root_accounts: users.filter((u) => u.uid0_non_root === 1).length,
      shared_uid_accounts: users.filter((u) => u.shared_uid).length,
      duplicate_names: duplicates,
    },
  };
}
