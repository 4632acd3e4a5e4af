import { allCollectors } from '../collectors/all.js';
import type { CollectorSpec } from '../collectors/types.js';
import { flagTable, lookupIn, parseArgs, resolveConfig, UsageError, type ExporterConfig } from '../config/config.js';
import { lastValue, type FlagDef, type ParsedArgs } from '../config/flags.js';
import { resolveEventsConfig, type EventsConfig } from '../events/config.js';
import { formatDuration } from '../util/duration.js';
import { VERSION } from '../version.js';
import { runCollect } from './collect.js';
import { serve } from './serve.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const PROGRAM = 'hostbaseline-exporter';

const COLLECT_FLAGS: FlagDef[] = [{ name: 'format', kind: 'string', default: 'table', help: 'Output of `collect`: table or json.' }];

function helpText(table: Map<string, FlagDef>): string {
  const lines = [
    `usage: ${PROGRAM} [<flags>] [serve]`,
    `       ${PROGRAM} list [<flags>]`,
    `       ${PROGRAM} collect <collector>... [--format table|json] [--path.rootfs DIR]`,
    '',
    'Linux host baselines (osquery-class facts) as Prometheus metrics and OpenTelemetry events.',
    '',
    'Flags:',
  ];
  for (const f of table.values()) {
    const name = f.kind === 'bool' ? `--[no-]${f.name}` : `--${f.name}=${(f.placeholder ?? f.name.split('.').pop()!).toUpperCase()}`;
    const def = f.default !== undefined && f.kind !== 'bool' ? ` (default: ${JSON.stringify(f.default)})` : '';
    lines.push(`  ${name.padEnd(48)} ${f.help}${def}`);
  }
  return lines.join('\n') + '\n';
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function listCollectors(specs: CollectorSpec[], config: ExporterConfig): string {
  const rows = [['COLLECTOR', 'AREA', 'ENABLED', 'INTERVAL', 'TIMEOUT', 'DESCRIPTION']];
  for (const s of specs) {
    const c = config.collectors.get(s.name)!;
    rows.push([s.name, s.area, c.enabled ? 'on' : 'off', formatDuration(c.interval), formatDuration(c.timeout), s.description]);
  }
  return pad(rows);
}

/** The command line: `serve` (default), `list`, `collect`. Returns the exit code. */
export async function run(argv: string[], io: Io, specs: CollectorSpec[] = allCollectors()): Promise<number> {
  const table = flagTable(specs, COLLECT_FLAGS);
  let args: ParsedArgs;
  let config: ExporterConfig;
  let eventsConfig: EventsConfig | null;
  let command = 'serve';
  try {
    args = parseArgs(argv, lookupIn(table));
    // The subcommand may stand before or after the flags, as with kingpin.
    if (['list', 'collect', 'serve'].includes(args.positionals[0] ?? '')) command = args.positionals.shift()!;
    if (command !== 'collect' && args.values.has('format')) throw new UsageError('--format applies to the collect command only');
    if (lastValue(args, 'help') === true) {
      io.stdout(helpText(table));
      return 0;
    }
    if (lastValue(args, 'version') === true) {
      io.stdout(`${PROGRAM} version ${VERSION} (node ${process.versions.node})\n`);
      return 0;
    }
    if (command !== 'collect' && args.positionals.length > 0)
      throw new UsageError(`unexpected argument "${args.positionals[0]}", try --help`);
    config = resolveConfig(args, specs);
    // The events settings are checked by every command, so a bad `events:` section fails early;
    // resolved once here, and `serve` gets the result.
    eventsConfig = resolveEventsConfig(config);
  } catch (err) {
    if (err instanceof UsageError || err instanceof Error) {
      io.stderr(`${PROGRAM}: error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case 'list':
      io.stdout(listCollectors(specs, config));
      return 0;
    case 'collect': {
      const format = (lastValue(args, 'format') as string | undefined) ?? 'table';
      if (format !== 'table' && format !== 'json') {
        io.stderr(`${PROGRAM}: error: --format must be table or json\n`);
        return 2;
      }
      return runCollect(args.positionals, specs, config, format, io);
    }
    default:
      return serve(specs, config, io, eventsConfig);
  }
}
