import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { dropInFiles } from './config-files.js';
import { parseLimitsConf, parseProcLimits } from './limits.parse.js';

const INIT_LIMITS = '/proc/1/limits';
const LIMITS_CONF = '/etc/security/limits.conf';
const LIMITS_D = '/etc/security/limits.d';

export const limits = defineCollector({
  name: 'limits',
  area: 'system',
  description: 'Resource limits: those of PID 1 (/proc/1/limits, inherited by every service) and those configured for logins (limits.conf, limits.d).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'init_rlimits', key: ['resource', 'kind'], description: 'Soft and hard limits of PID 1; unlimited is +Inf.', drift: true },
    { name: 'configured_limits', key: ['domain', 'type', 'item'], description: 'Effective pam_limits settings: limits.conf, then limits.d/*.conf in name order; a later line for the same domain, type and item wins.', drift: true, volatile: ['line'] },
    { name: 'limits_summary', key: ['scope'], description: 'Number of configured limits.' },
  ],
  async collect(ctx) {
    const initRows: FactRow[] = [];
    const text = await ctx.fs.readTextIfExists(INIT_LIMITS);
    if (text !== null) {
      let parsed;
      try {
        parsed = parseProcLimits(text, (line, reason) => ctx.parseError(INIT_LIMITS, `line ${line}: ${reason}`));
      } catch (err) {
        throw new Error(`${INIT_LIMITS}: ${(err as Error).message}`);
      }
      for (const l of parsed) {
        initRows.push({ resource: l.resource, kind: 'soft', value: l.soft, unit: l.unit });
        initRows.push({ resource: l.resource, kind: 'hard', value: l.hard, unit: l.unit });
      }
    }

    const files = [LIMITS_CONF, ...(await dropInFiles(ctx.fs, LIMITS_D, '.conf')).map((n) => `${LIMITS_D}/${n}`)];
    const effective = new Map<string, FactRow>();
    let found = false;
    for (const file of files) {
      const conf = await ctx.fs.readTextIfExists(file);
      if (conf === null) continue;
      found = true;
      for (const l of parseLimitsConf(conf, (line, reason) => ctx.parseError(file, `line ${line}: ${reason}`))) {
        // "-" sets both soft and hard, as pam_limits does.
        for (const type of l.type === '-' ? ['soft', 'hard'] : [l.type]) {
          effective.set(`${l.domain}\0${type}\0${l.item}`, { domain: l.domain, type, item: l.item, value: l.value, numeric: l.numeric, file, line: l.line });
        }
      }
    }
    const configured = [...effective.values()];
    return [
      { name: 'init_rlimits', rows: initRows },
      { name: 'configured_limits', rows: configured },
      { name: 'limits_summary', rows: found ? [{ scope: 'pam_limits', configured: configured.length }] : [] },
    ];
  },
});
