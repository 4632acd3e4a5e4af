// Redaction: the corpus figures (credential-bearing lines leaked, ordinary lines changed) and the
// throughput of the audit path that redacts every exec event (parse → group → event), in lines/s.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

/** Corpus lines: { line, argv, secrets } (secrets between ⟦ and ⟧). */
export function loadCorpus(name, shellWords) {
  return readFileSync(path.join(repo, 'test/fixtures/redaction', `${name}.txt`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const line = l.replace(/[⟦⟧]/g, '');
      return { line, argv: shellWords(line).map((w) => w.value), secrets: [...l.matchAll(/⟦(.*?)⟧/g)].map((m) => m[1]) };
    });
}

/** The EXECVE record of an argv as auditd writes it (hex when an argument has a blank, a quote or a control character). */
export function execveLine(ts, argv) {
  const enc = (a) => (a.length > 0 && /^[\x21\x23-\x7e]*$/.test(a) ? `"${a}"` : Buffer.from(a).toString('hex').toUpperCase());
  return `type=EXECVE msg=audit(${ts}): argc=${argv.length} ${argv.map((a, i) => `a${i}=${enc(a)}`).join(' ')}\n`;
}

export async function benchRedaction() {
  const { shellWords, redactArgv, redactCommandLine } = await import('../../dist/util/redact.js');
  const { parseAuditLine } = await import('../../dist/events/audit/parse.js');
  const { AuditAssembler, auditEvents } = await import('../../dist/events/audit/events.js');
  const creds = loadCorpus('credentials', shellWords);
  const ordinary = loadCorpus('ordinary', shellWords);

  let leaked = 0;
  for (const c of creds) {
    const shown = [redactArgv(c.argv).join(' '), redactCommandLine(c.line)].join('\n');
    if (c.secrets.some((s) => shown.includes(s))) leaked++;
  }
  const changed = ordinary.filter((c) => redactCommandLine(c.line) !== c.line || redactArgv(c.argv).join('\0') !== c.argv.join('\0')).length;

  // An audit log of exec events, every other one credential-bearing, five lines each as auditd writes them.
  const EVENTS = 20_000;
  const all = [...creds, ...ordinary];
  const lines = [];
  for (let i = 0; i < EVENTS; i++) {
    const ts = `1700000000.${String(i % 1000).padStart(3, '0')}:${i + 1}`;
    const argv = all[i % all.length].argv;
    lines.push(
      `type=SYSCALL msg=audit(${ts}): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=${1000 + i} auid=1000 uid=1000 gid=1000 euid=1000 tty=pts0 ses=1 comm="x" exe="/usr/bin/x" key="exec"\n`,
      execveLine(ts, argv),
      `type=CWD msg=audit(${ts}): cwd="/home/alice"\n`,
      `type=PATH msg=audit(${ts}): item=0 name="/usr/bin/x" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n`,
      `type=EOE msg=audit(${ts}): \n`,
    );
  }
  let events = 0;
  let redacted = 0;
  const asm = new AuditAssembler((g) => {
    for (const e of auditEvents(g)) {
      events++;
      if (JSON.stringify(e.attributes['process.command_args'] ?? []).includes('<redacted>')) redacted++;
    }
  });
  const t0 = performance.now();
  for (const l of lines) {
    const rec = parseAuditLine(l.trimEnd());
    if (rec) asm.add(rec, 0);
  }
  asm.flush(0, true);
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = Math.round(lines.length / seconds);
  return [
    { name: `credential-bearing command lines leaked (of ${creds.length})`, value: leaked, unit: 'lines', target: '0', ok: leaked === 0 },
    { name: `ordinary command lines changed (of ${ordinary.length})`, value: changed, unit: 'lines', target: 'most unchanged', ok: changed <= ordinary.length / 10 },
    { name: `audit path, ${lines.length} lines: ${events} exec events, ${redacted} with redactions`, value: perSecond, unit: 'lines/s', target: '>= 5000', ok: perSecond >= 5000 && events === EVENTS },
  ];
}

if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  for (const row of await benchRedaction()) console.log(JSON.stringify(row));
}
