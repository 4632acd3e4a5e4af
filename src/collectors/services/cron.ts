import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { commandExecutable, listRegularFiles, sha256Hex } from './common.js';
import { parseCrontab, runPartsName } from './cron.parse.js';

const PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
/** Debian keeps user crontabs in crontabs/, Red Hat directly in /var/spool/cron. */
const USER_DIRS = ['/var/spool/cron/crontabs', '/var/spool/cron'];
const JOB_KINDS = ['system', 'cron_d', 'user'] as const;
type JobKind = (typeof JOB_KINDS)[number];

export const cron = defineCollector({
  name: 'cron',
  area: 'services',
  description: 'Cron jobs of /etc/crontab, /etc/cron.d, user crontabs, and the scripts of /etc/cron.{hourly,daily,weekly,monthly}.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    {
      name: 'cron_jobs',
      key: ['source', 'user', 'schedule', 'command_sha256'],
      description: 'One row per distinct job: the command is fingerprinted (it may hold secrets), never exported.',
      drift: true,
      volatile: ['line'],
    },
    { name: 'cron_scripts', key: ['path'], description: 'Scripts run by run-parts from /etc/cron.<period>.', drift: true },
    { name: 'cron_job_counts', key: ['kind'], description: 'Jobs per kind of crontab (system, cron_d, user).' },
    { name: 'cron_script_counts', key: ['period'], description: 'Scripts per period directory.' },
  ],
  async collect(ctx) {
    const jobs = new Map<string, FactRow>();
    const counts = new Map<JobKind, number>(JOB_KINDS.map((k) => [k, 0]));
    const skip = (path: string, reason: string) => ctx.parseError(path, reason);

    const addFile = async (path: string, kind: JobKind, owner: string | null) => {
      const text = await ctx.fs.readTextIfExists(path);
      if (text === null) return;
      for (const job of parseCrontab(text, owner === null, (line, reason) => ctx.parseError(path, `line ${line}: ${reason}`))) {
        const user = owner ?? job.user;
        const command_sha256 = sha256Hex(job.command);
        const key = `${path}\0${user}\0${job.schedule}\0${command_sha256}`;
        const prev = jobs.get(key);
        counts.set(kind, counts.get(kind)! + 1);
        if (prev) {
          prev.occurrences = (prev.occurrences as number) + 1;
          continue;
        }
        jobs.set(key, {
          source: path,
          kind,
          line: job.line,
          user,
          schedule: job.schedule,
          executable: commandExecutable(job.command.split(/(?<!\\)%/)[0]!),
          command_sha256,
          occurrences: 1,
        });
      }
    };

    await addFile('/etc/crontab', 'system', null);
    for (const f of await listRegularFiles(ctx.fs, '/etc/cron.d', skip)) {
      if (!f.name.startsWith('.')) await addFile(f.path, 'cron_d', null);
    }
    const seenUserFiles = new Set<string>();
    for (const dir of USER_DIRS) {
      // /var/spool/cron also holds crontabs/ and atjobs/ directories: those are not crontabs.
      for (const f of await listRegularFiles(ctx.fs, dir, skip, { skipDirs: true })) {
        if (f.name.startsWith('.') || seenUserFiles.has(f.path)) continue;
        seenUserFiles.add(f.path);
        await addFile(f.path, 'user', f.name);
      }
    }

    const scripts: FactRow[] = [];
    const scriptCounts: FactRow[] = [];
    for (const period of PERIODS) {
      const dir = `/etc/cron.${period}`;
      let n = 0;
      for (const f of await listRegularFiles(ctx.fs, dir, skip)) {
        if (f.name === '.placeholder') continue; // Debian's marker file keeps the directory in the package
        const [bytes, st] = await Promise.all([ctx.fs.readBytes(f.path), ctx.fs.stat(f.path)]);
        const executable = (st.mode & 0o111) !== 0;
        scripts.push({
          path: f.path,
          period,
          name: f.name,
          size: bytes.length,
          sha256: sha256Hex(bytes),
          executable,
          // run-parts skips names with dots and files without the executable bit.
          runs: executable && runPartsName(f.name),
        });
        n++;
      }
      scriptCounts.push({ period, count: n });
    }

    return [
      { name: 'cron_jobs', rows: [...jobs.values()] },
      { name: 'cron_scripts', rows: scripts },
      { name: 'cron_job_counts', rows: JOB_KINDS.map((kind) => ({ kind, count: counts.get(kind)! })) },
      { name: 'cron_script_counts', rows: scriptCounts },
    ];
  },
});
