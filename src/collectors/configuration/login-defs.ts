import { daysToSeconds } from '../../util/duration.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readFileFacts, riskRows, riskTable, type Risk } from './common.js';
import { intSetting, octalSetting, parseLoginDefs, WEAK_ENCRYPT_METHODS } from './login-defs.parse.js';

const PATH = '/etc/login.defs';

export const loginDefs = defineCollector({
  name: 'login_defs',
  area: 'configuration',
  description: 'Password aging, UMASK and hash method defaults of /etc/login.defs.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'login_defs',
      key: ['path'],
      description: 'The settings that matter: password aging, UMASK (octal text and value), ENCRYPT_METHOD, hashing rounds.',
      drift: true,
    },
    { name: 'login_defs_settings', key: ['key'], description: 'Every KEY value of login.defs (it holds no secrets).', drift: true },
    riskTable('login_defs_risks', '/etc/login.defs (weak ENCRYPT_METHOD, UMASK that lets others write)'),
  ],
  async collect(ctx) {
    const f = await readFileFacts(ctx.fs, PATH);
    if (!f) return [{ name: 'login_defs', rows: [] }, { name: 'login_defs_settings', rows: [] }, { name: 'login_defs_risks', rows: [] }];
    const kv = parseLoginDefs(f.text, (line, reason) => ctx.parseError(PATH, `line ${line}: ${reason}`));
    const umask = octalSetting(kv.get('UMASK'));
    const method = (kv.get('ENCRYPT_METHOD') ?? '').toUpperCase();
    const risks: Risk[] = [];
    const risk = (setting: string) => risks.push({ server: 'login_defs', path: PATH, setting });
    if (WEAK_ENCRYPT_METHODS.has(method)) risk(`ENCRYPT_METHOD ${method}`);
    if (umask !== null && (umask & 0o002) === 0) risk('UMASK lets others write');
    if (kv.has('UMASK') && umask === null) ctx.parseError(PATH, 'UMASK is not an octal number');
    const maxDays = intSetting(kv.get('PASS_MAX_DAYS'));
    const minDays = intSetting(kv.get('PASS_MIN_DAYS'));
    const warnDays = intSetting(kv.get('PASS_WARN_AGE'));
    const row = {
      path: PATH,
      pass_max_days: maxDays,
      pass_min_days: minDays,
      pass_warn_age: warnDays,
      pass_max_age_seconds: daysToSeconds(maxDays),
      pass_min_age_seconds: daysToSeconds(minDays),
      pass_warn_age_seconds: daysToSeconds(warnDays),
      umask: umask,
      umask_octal: kv.get('UMASK') ?? '',
      encrypt_method: method,
      sha_crypt_min_rounds: intSetting(kv.get('SHA_CRYPT_MIN_ROUNDS')),
      sha_crypt_max_rounds: intSetting(kv.get('SHA_CRYPT_MAX_ROUNDS')),
      yescrypt_cost_factor: intSetting(kv.get('YESCRYPT_COST_FACTOR')),
      sha256: f.sha256,
    };
    return [
      { name: 'login_defs', rows: [row] },
      { name: 'login_defs_settings', rows: [...kv].map(([key, value]) => ({ key, value })) },
      { name: 'login_defs_risks', rows: riskRows(risks) },
    ];
  },
});
