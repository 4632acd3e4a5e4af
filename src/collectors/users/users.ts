import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readAccounts } from './common.js';
import { userFacts } from './users.parse.js';

export const users = defineCollector({
  name: 'users',
  area: 'users',
  description: 'Local accounts from /etc/passwd: uid, gid, home, shell; uid 0 accounts other than root and login shells flagged.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'users', key: ['name'], description: 'One row per account of /etc/passwd (never the password field).', drift: true },
    { name: 'users_summary', key: [], description: 'Account counts.' },
  ],
  async collect(ctx) {
    const accounts = await readAccounts(ctx);
    if (accounts === null) return [{ name: 'users', rows: [] }, { name: 'users_summary', rows: [] }];
    const facts = userFacts(accounts);
    return [
      { name: 'users', rows: facts.users },
      { name: 'users_summary', rows: [facts.summary] },
    ];
  },
});
