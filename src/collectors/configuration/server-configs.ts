import type { HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { listFiles, readFileFacts, riskRows, riskTable, type Risk } from './common.js';
import { apacheRisks, mysqlIncludes, mysqlRisks, nginxRisks, pgHbaRisks, postgresConfRisks, rabbitmqRisks, redisRisks } from './server-configs.parse.js';

type OnBad = (line: number, reason: string) => void;

interface ServerFile {
  server: string;
  path: string;
  risks: (text: string, onBad: OnBad) => string[];
}

const none = () => [];
const conf = (n: string) => n.endsWith('.conf');
const cnf = (n: string) => n.endsWith('.cnf');

/** Sub-directories of a directory ([] when missing). */
async function subdirs(fs: HostFs, dir: string): Promise<string[]> {
  return ((await fs.readdirIfExists(dir)) ?? []).filter((e) => e.type === 'dir' || e.type === 'symlink').map((e) => `${dir}/${e.name}`);
}

/** The main config files of each server, where the distributions put them. */
async function serverFiles(fs: HostFs): Promise<ServerFile[]> {
  const out: ServerFile[] = [];
  const add = (server: string, paths: string[], risks: ServerFile['risks']) => paths.forEach((path) => out.push({ server, path, risks }));
  const one = async (p: string) => ((await fs.statIfExists(p)) ? [p] : []);

  add('nginx', [...(await one('/etc/nginx/nginx.conf')), ...(await listFiles(fs, '/etc/nginx/sites-enabled')), ...(await listFiles(fs, '/etc/nginx/conf.d', conf))], nginxRisks);
  add('apache', [
    ...(await one('/etc/apache2/apache2.conf')),
    ...(await listFiles(fs, '/etc/apache2/sites-enabled')),
    ...(await listFiles(fs, '/etc/apache2/conf-enabled', conf)),
    ...(await one('/etc/httpd/conf/httpd.conf')),
    ...(await listFiles(fs, '/etc/httpd/conf.d', conf)),
  ], apacheRisks);

  // MySQL/MariaDB: the known places, then whatever !include/!includedir adds.
  const mysql = new Set<string>([...(await one('/etc/mysql/my.cnf')), ...(await one('/etc/mysql/mariadb.cnf')), ...(await one('/etc/my.cnf'))]);
  for (const d of ['/etc/mysql/conf.d', '/etc/mysql/mysql.conf.d', '/etc/mysql/mariadb.conf.d', '/etc/my.cnf.d']) for (const p of await listFiles(fs, d, cnf)) mysql.add(p);
  for (const p of [...mysql]) {
    const text = await fs.readTextIfExists(p);
    if (text === null) continue;
    const inc = mysqlIncludes(text);
    for (const f of inc.files) if ((await fs.statIfExists(f).catch(() => null))?.isFile()) mysql.add(f);
    for (const d of inc.dirs) for (const f of await listFiles(fs, d, cnf)) mysql.add(f);
  }
  add('mysql', [...mysql].sort(), mysqlRisks);

  // PostgreSQL: Debian /etc/postgresql/<version>/<cluster>/, Red Hat /var/lib/pgsql[/<version>]/data/.
  const pgDirs = [...(await Promise.all((await subdirs(fs, '/etc/postgresql')).map((v) => subdirs(fs, v)))).flat(), '/var/lib/pgsql/data'];
  for (const v of await subdirs(fs, '/var/lib/pgsql')) if (!v.endsWith('/data')) pgDirs.push(`${v}/data`);
  for (const d of pgDirs.sort()) {
    add('postgresql', await one(`${d}/postgresql.conf`), (t) => postgresConfRisks(t));
    add('postgresql', await one(`${d}/pg_hba.conf`), pgHbaRisks);
  }
  add('redis', [...(await one('/etc/redis/redis.conf')), ...(await one('/etc/redis.conf'))], (t) => redisRisks(t));
  add('rabbitmq', await one('/etc/rabbitmq/rabbitmq.conf'), (t) => rabbitmqRisks(t));
  add('rabbitmq', await one('/etc/rabbitmq/advanced.config'), none);
  return out;
}

export const serverConfigs = defineCollector({
  name: 'server_configs',
  area: 'configuration',
  description: 'Main config files of nginx, apache, mysql/mariadb, postgresql, redis and rabbitmq: sha256, size, mtime and risky settings.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 20 * SECOND,
  tables: [
    {
      name: 'server_config_files',
      key: ['server', 'path'],
      description: 'Config files of the servers present: sha256, size, mtime, count of risky settings.',
      drift: true,
      volatile: ['mtime'],
    },
    riskTable('server_config_risks', 'server config files (redis without requirepass, postgres trust, mysql skip-grant-tables, nginx/apache leaks and old TLS, rabbitmq remote guest)'),
  ],
  async collect(ctx) {
    const files: FactRow[] = [];
    const risks: Risk[] = [];
    for (const sf of await serverFiles(ctx.fs)) {
      if (ctx.signal.aborted) throw new Error('stopped');
      const f = await readFileFacts(ctx.fs, sf.path);
      if (!f) continue;
      const found = sf.risks(f.text, (line, reason) => ctx.parseError(sf.path, `line ${line}: ${reason}`));
      files.push({ server: sf.server, path: sf.path, sha256: f.sha256, size: f.size, mtime: f.mtime, risks: new Set(found).size });
      for (const setting of found) risks.push({ server: sf.server, path: sf.path, setting });
    }
    return [
      { name: 'server_config_files', rows: files },
      { name: 'server_config_risks', rows: riskRows(risks) },
    ];
  },
});
