import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readAccounts } from './common.js';
import { groupFacts, parseGroup, parseGshadow } from './groups.parse.js';

export const groups = defineCollector({
  name: 'groups',
  area: 'users',
  description: 'Groups of /etc/group with members (primary and supplementary), gshadow admins, privileged group membership.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'groups', key: ['name'], description: 'One row per group of /etc/group.', drift: true },
    { name: 'group_memberships', key: ['group', 'user'], description: 'Who is in which group (primary gid or member list).', drift: true },
    { name: 'groups_summary', key: [], description: 'Group and membership counts.' },
  ],
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists('/etc/group');
    if (text === null) {
      return [
        { name: 'groups', rows: [] },
        { name: 'group_memberships', rows: [] },
        { name: 'groups_summary', rows: [] },
      ];
    }
    const entries = parseGroup(text, (line, reason) => ctx.parseError('/etc/group', `line ${line}: ${reason}`));
    const gsText = await ctx.fs.readTextIfExists('/etc/gshadow');
    const gshadow = gsText === null ? [] : parseGshadow(gsText, (line, reason) => ctx.parseError('/etc/gshadow', `line ${line}: ${reason}`));
    // Parse errors of /etc/passwd are the users collector's to count.
    const accounts = (await readAccounts({ ...ctx, parseError: () => {} })) ?? [];
    const facts = groupFacts(entries, accounts, gshadow);
    return [
      { name: 'groups', rows: facts.groups },
      { name: 'group_memberships', rows: facts.memberships },
      { name: 'groups_summary', rows: [facts.summary] },
    ];
  },
});
