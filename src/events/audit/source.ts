import type { HostFs } from '../../host/hostfs.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { FileFollower, positionFileFor } from '../follower.js';
import type { EventSink, RunningSource } from '../types.js';
import { AuditAssembler, auditEvents } from './events.js';
import { parseAuditLine } from './parse.js';

export interface AuditSourceOptions {
  fs: HostFs;
  sink: EventSink;
  log: Logger;
  clock: Clock;
  /** Host path of the audit log. */
  file: string;
  stateDir: string;
  pollMs?: number;
  maxLineBytes?: number;
  /** With no saved position, start at the end of the existing log (default) or at its start. */
  startAtEnd?: boolean;
}

/** Follows the audit log and sends process, login, account, socket and MAC denial events. */
export function startAuditSource(o: AuditSourceOptions): RunningSource & { follower: FileFollower } {
  const log = o.log.child({ source: 'audit' });
  const assembler = new AuditAssembler((group) => {
    for (const e of auditEvents(group)) o.sink.emit('audit', e);
  });
  let malformed = 0;
  const follower = new FileFollower({
    fs: o.fs,
    file: o.file,
    stateFile: positionFileFor(o.stateDir, o.file),
    log,
    pollMs: o.pollMs ?? 200,
    maxLineBytes: o.maxLineBytes ?? 64 * 1024,
    startAtEnd: o.startAtEnd ?? true,
    onLine(line) {
      if (line.trim() === '') return;
      const rec = parseAuditLine(line);
      if (!rec) {
        if (++malformed <= 10) log.warn('skipped a malformed audit line', { file: o.file, line: line.slice(0, 120) });
        o.sink.dropped('audit', 'malformed_line');
        return;
      }
      assembler.add(rec, o.clock.now());
    },
    onOversized(bytes) {
      log.warn('skipped an oversized audit line', { file: o.file, bytes });
      o.sink.dropped('audit', 'oversized_line');
    },
  });
  follower.start();
  const flushTimer = setInterval(() => assembler.flush(o.clock.now()), 100);
  flushTimer.unref();
  return {
    name: 'audit',
    follower,
    async stop() {
      clearInterval(flushTimer);
      await follower.stop();
      assembler.flush(o.clock.now(), true);
    },
  };
}
