import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { HostFs } from '../../host/hostfs.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { FileFollower, positionFileFor } from '../follower.js';
import type { EventSink, RunningSource } from '../types.js';
import { logEvent, parseJournalLine, parseSyslogLine, type LogEntry } from './parse.js';

export interface LineProcess {
  stop(): Promise<void>;
}

/** Starts a program whose stdout is read line by line (`journalctl -o json -f`); injected in tests. */
export type LineSpawner = (program: string, args: string[], onLine: (line: string) => void, onExit: (code: number | null, stderr: string) => void) => LineProcess;

export const spawnLines: LineSpawner = (program, args, onLine, onExit) => {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-2000)));
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
  rl.on('line', onLine);
  let exited = false;
  child.on('error', (err) => {
    exited = true;
    onExit(null, err.message);
  });
  child.on('close', (code) => {
    exited = true;
    onExit(code, stderr);
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('close', () => resolve());
        // SIGTERM lets journalctl write its cursor file.
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
};

export interface SyslogSourceOptions {
  fs: HostFs;
  sink: EventSink;
  log: Logger;
  clock: Clock;
  stateDir: string;
  /** auto: the journal when journalctl and a journal directory exist on the host. */
  journal: 'auto' | 'true' | 'false';
  /** Host paths followed when the journal is not used. */
  files: string[];
  /** Where journalctl is (null: not installed). */
  journalctl: string | null;
  spawner?: LineSpawner;
  pollMs?: number;
  maxLineBytes?: number;
}

/** Host journal directories, as local paths, or [] when the host keeps none. */
function journalDirs(fs: HostFs): string[] {
  return ['/var/log/journal', '/run/log/journal'].map((d) => path.join(fs.rootfs, d)).filter((d) => existsSync(d));
}

/** Follows the journal (journalctl -o json -f) or the syslog files, and sends auth events. */
export function startSyslogSource(o: SyslogSourceOptions): RunningSource & { mode: 'journal' | 'files' } {
  const log = o.log.child({ source: 'syslog' });
  let malformed = 0;
  const handle = (entry: LogEntry | null, line: string) => {
    if (!entry) {
      if (++malformed <= 10) log.debug('skipped an unparsable log line', { line: line.slice(0, 120) });
      return;
    }
    const e = logEvent(entry);
    if (e) o.sink.emit('syslog', e);
  };
  const dirs = journalDirs(o.fs);
  const useJournal = o.journal === 'true' || (o.journal === 'auto' && !!o.journalctl && dirs.length > 0);
  if (useJournal) {
    const cursorFile = path.join(o.stateDir, 'positions', 'journal.cursor');
    const args = ['-o', 'json', '-f', '--no-pager', `--cursor-file=${cursorFile}`];
    if (!existsSync(cursorFile)) args.push('-n', '0');
    if (o.fs.rootfs !== '/') for (const d of dirs) args.push('-D', d);
    let proc: LineProcess | null = null;
    let stopped = false;
    let timer: NodeJS.Timeout | null = null;
    const run = () => {
      proc = (o.spawner ?? spawnLines)(o.journalctl ?? 'journalctl', args, (line) => handle(parseJournalLine(line), line), (code, stderr) => {
        if (stopped) return;
        log.error('journalctl exited, restarting in 5s', { code: code ?? -1, stderr: stderr.trim().slice(0, 300) });
        timer = setTimeout(run, 5000);
        timer.unref();
      });
    };
    run();
    return {
      name: 'syslog',
      mode: 'journal',
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        await (proc as LineProcess | null)?.stop();
      },
    };
  }
  const followers = o.files.map(
    (file) =>
      new FileFollower({
        fs: o.fs,
        file,
        stateFile: positionFileFor(o.stateDir, file),
        log,
        pollMs: o.pollMs ?? 500,
        maxLineBytes: o.maxLineBytes ?? 64 * 1024,
        startAtEnd: true,
        onLine: (line) => handle(parseSyslogLine(line, o.clock.now()), line),
        onOversized: () => o.sink.dropped('syslog', 'oversized_line'),
      }),
  );
  for (const f of followers) f.start();
  return {
    name: 'syslog',
    mode: 'files',
    async stop() {
      await Promise.all(followers.map((f) => f.stop()));
    },
  };
}
