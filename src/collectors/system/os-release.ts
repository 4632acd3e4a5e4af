import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseOsRelease } from './os-release.parse.js';

/** os-release(5) search order; /etc wins over the vendor copy. */
const PATHS = ['/etc/os-release', '/usr/lib/os-release'];

export const osRelease = defineCollector({
  name: 'os_release',
  area: 'system',
  description: 'Distribution from /etc/os-release (or /usr/lib/os-release).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'os_release', key: ['id'], description: 'The operating system release.', drift: true }],
  async collect(ctx) {
    for (const file of PATHS) {
      const text = await ctx.fs.readTextIfExists(file);
      if (text === null) continue;
      const kv = parseOsRelease(text, (line, reason) => ctx.parseError(file, `line ${line}: ${reason}`));
      if (!kv.ID && !kv.NAME) throw new Error(`${file}: neither ID nor NAME is set`);
      return [
        {
          name: 'os_release',
          rows: [
            {
              id: kv.ID ?? 'linux',
              id_like: kv.ID_LIKE ?? '',
              name: kv.NAME ?? 'Linux',
              pretty_name: kv.PRETTY_NAME ?? kv.NAME ?? 'Linux',
              version: kv.VERSION ?? '',
              version_id: kv.VERSION_ID ?? '',
              version_codename: kv.VERSION_CODENAME ?? '',
              build_id: kv.BUILD_ID ?? '',
              variant_id: kv.VARIANT_ID ?? '',
            },
          ],
        },
      ];
    }
    return [{ name: 'os_release', rows: [] }];
  },
});
