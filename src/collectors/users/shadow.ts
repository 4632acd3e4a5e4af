import { daysToSeconds } from '../../util/duration.js';
import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseShadow } from './shadow.parse.js';
import { pushBounded } from '../../util/bounded.js';

/** 99999 days is "never expires" in shadow(5) files written by useradd/passwd. */
const NO_MAX_AGE = 99_999;

export const shadow = defineCollector({
  name: 'shadow',
  area: 'users',
  description: 'Password state per account from /etc/shadow: locked, empty, hash algorithm, ageing. Never the hash.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'passwords', key: ['name'], description: 'Password state and ageing of one account.', drift: true },
    { name: 'password_states', key: ['state', 'algorithm'], description: 'Accounts per password state and hash algorithm.' },
  ],
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists('/etc/shadow');
    if (text === null) return [{ name: 'passwords', rows: [] }, { name: 'password_states', rows: [] }];
    const entries = parseShadow(text, (line, reason) => ctx.parseError('/etc/shadow', `line ${line}: ${reason}`));
    const seen = new Set<string>();
    const rows: FactRow[] = [];
    const states = new Map<string, FactRow>();
    let accounts = 0;
    for (const e of entries) {
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      accounts++;
      const k = `${e.state}\0${e.algorithm}`;
      const s = states.get(k) ?? { state: e.state, algorithm: e.algorithm, accounts: 0 };
      s.accounts = (s.accounts as number) + 1;
      states.set(k, s);
      // Counted above whatever the row limit; an account without a password always gets its row.
      pushBounded(rows, {
        name: e.name,
        state: e.state,
        algorithm: e.algorithm,
        lock_marker: e.lockMarker,
        last_change_seconds: e.lastChangeSeconds,
        must_change: e.mustChange,
        min_age_days: e.minDays,
        max_age_days: e.maxDays,
        min_age_seconds: daysToSeconds(e.minDays),
        max_age_seconds: daysToSeconds(e.maxDays),
        never_expires: e.maxDays === null || e.maxDays >= NO_MAX_AGE,
        warn_days: e.warnDays,
        inactive_days: e.inactiveDays,
        account_expire_seconds: e.expireSeconds,
      }, ctx.limits.rows, (r) => r.state === 'empty');
    }
    if (accounts > rows.length) ctx.capped('/etc/shadow', rows.length, accounts);
    return [
      { name: 'passwords', rows },
      { name: 'password_states', rows: [...states.values()] },
    ];
  },
});
