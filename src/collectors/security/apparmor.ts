import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseAppArmorProfiles } from './apparmor.parse.js';

const PROFILES = '/sys/kernel/security/apparmor/profiles';
const MODES = ['enforce', 'complain', 'kill', 'unconfined', 'prompt'];

export const apparmor = defineCollector({
  name: 'apparmor',
  area: 'security',
  description: 'AppArmor: whether it is enabled, and the loaded profiles with their mode (from securityfs).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'apparmor_status', key: [], description: 'One row: module enabled, securityfs readable, profiles loaded.' },
    { name: 'apparmor_profiles', key: ['name'], description: 'Loaded profiles and their mode.', drift: true },
    { name: 'apparmor_profile_counts', key: ['mode'], description: 'Loaded profiles per mode.' },
  ],
  async collect(ctx) {
    const enabledText = await ctx.fs.readTextIfExists('/sys/module/apparmor/parameters/enabled');
    const text = await ctx.fs.readTextIfExists(PROFILES);
    const profiles = text === null ? [] : parseAppArmorProfiles(text, (l, r) => ctx.parseError(PROFILES, `line ${l}: ${r}`));
    const modes = new Set([...MODES, ...profiles.map((p) => p.mode)]);
    // No module parameter and no securityfs: this host does not run AppArmor (or hides it from us).
    const state = text !== null ? 'available' : enabledText !== null ? 'securityfs not mounted' : 'not available';
    return [
      {
        name: 'apparmor_status',
        rows: [{ enabled: enabledText?.trim() === 'Y', state, profiles: profiles.length }],
      },
      { name: 'apparmor_profiles', rows: profiles.map((p) => ({ name: p.name, mode: p.mode })) },
      {
        name: 'apparmor_profile_counts',
        rows: text === null ? [] : [...modes].map((mode) => ({ mode, count: profiles.filter((p) => p.mode === mode).length })),
      },
    ];
  },
});
