import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processes } from '../../../src/collectors/processes/processes.js';
import { listeningPorts } from '../../../src/collectors/network/listening-ports.js';
import { shadow } from '../../../src/collectors/users/shadow.js';
import { users } from '../../../src/collectors/users/users.js';
import { sshAuthorizedKeys } from '../../../src/collectors/users/ssh-authorized-keys.js';
import { DEFAULT_LIMITS } from '../../../src/collectors/types.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { buildBigHost } from '../../support/big-host.mjs';
import { exposition, schedulerFor } from '../../helpers.js';

/*
 * A host with 100,000 accounts in /etc/passwd (and as many in /etc/shadow), 1,500 home
 * directories and 1,500 processes. Not timed: it checks that every refresh completes with
 * what the limits left out reported, never that it is fast.
 */
const USERS = 100_000;
const ACCOUNTS = USERS + 2; // root, u0…u99999, toor (a second uid 0 account at the end)
let root: string;

beforeAll(() => {
  root = buildBigHost({ users: USERS, homes: 1_500, pids: 1_500 });
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function capped(text: string, collector: string): number {
  return Number(new RegExp(`^hostbaseline_rows_capped_total\\{collector="${collector}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
}

describe('a host with 100,000 accounts and many processes', () => {
  it('reads at most the row limit of accounts, never hiding a uid 0 or password-less account, and reports the rest', async () => {
    const log = memoryLogger();
    const s = schedulerFor([users, shadow, sshAuthorizedKeys], root, { log, timeout: 600_000 });
    await s.runAll();
    for (const st of s.list()) expect(st.success, `${st.spec.name}: ${st.lastError}`).toBe(true);

    const userRows = s.get('users')!.tables!.find((t) => t.name === 'users')!.rows;
    expect(userRows.length).toBe(DEFAULT_LIMITS.rows);
    expect(userRows.filter((r) => r.uid === 0).map((r) => r.name).sort()).toEqual(['root', 'toor']);
    const passwords = s.get('shadow')!.tables!.find((t) => t.name === 'passwords')!.rows;
    expect(passwords.length).toBe(DEFAULT_LIMITS.rows);
    expect(passwords.find((r) => r.name === 'toor')).toMatchObject({ state: 'empty' });
    // The per-state counts still cover every account.
    const states = s.get('shadow')!.tables!.find((t) => t.name === 'password_states')!.rows;
    expect(states.reduce((n, r) => n + Number(r.accounts), 0)).toBe(ACCOUNTS);

    const text = exposition(s);
    expect(capped(text, 'users')).toBe(ACCOUNTS - DEFAULT_LIMITS.rows);
    expect(capped(text, 'shadow')).toBe(ACCOUNTS - DEFAULT_LIMITS.rows);
    // Homes: 10,000 accounts looked at, 1,000 homes looked into, the rest counted.
    expect(capped(text, 'ssh_authorized_keys')).toBeGreaterThan(ACCOUNTS - DEFAULT_LIMITS.rows);
    expect(log.lines.join('\n')).toMatch(/capped: items left out by a limit.*source="user homes" kept=1000/);
    expect(log.lines.join('\n')).toMatch(/capped: items left out by a limit.*source=\/etc\/passwd kept=10000 total=100002/);
  }, 600_000);

  it('reads at most the row limit of processes and says how many it left out', async () => {
    const log = memoryLogger();
    const s = schedulerFor([processes, listeningPorts], root, { log, timeout: 600_000, limits: { rows: 1_000 } });
    await s.runAll();
    for (const st of s.list()) expect(st.success, `${st.spec.name}: ${st.lastError}`).toBe(true);
    const rows = s.get('processes')!.tables!.find((t) => t.name === 'processes')!.rows;
    expect(rows.length).toBe(1_000);
    expect(rows.some((r) => r.pid === 1)).toBe(true);
    // Processes past the limit are capped, not "hidden".
    expect(rows.filter((r) => r.hidden)).toEqual([]);
    const lines = log.lines.join('\n');
    expect(lines).toMatch(/collector=processes source=\/proc kept=1000 total=1500/);
    expect(lines).toMatch(/collector=listening_ports source=\/proc kept=1000 total=1500/);
    expect(capped(exposition(s), 'processes')).toBeGreaterThanOrEqual(500);
  }, 600_000);
});
