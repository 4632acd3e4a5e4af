/**
 * Command-line parsing in node_exporter's style: `--name=value` or `--name value`,
 * booleans as `--name` / `--no-name`, repeatable list flags. Errors name the flag.
 */

export type FlagKind = 'string' | 'bool' | 'strings';

export interface FlagDef {
  name: string;
  kind: FlagKind;
  help: string;
  default?: string | boolean;
  placeholder?: string;
  /**
   * The value is a credential (an OTLP header). It never shows anywhere: src/util/redact.ts hides
   * the values of such flags in every command line, the exporter's own included (a test checks each).
   */
  secret?: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  /** Flag name (without dashes) → values in the order given. */
  values: Map<string, (string | boolean)[]>;
}

function parseBool(flag: string, v: string): boolean {
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new UsageError(`flag --${flag}: expected true or false, got "${v}"`);
}

/**
 * Parses argv. `lookup` returns the definition of a flag name (static flags and
 * per-collector flags, which depend on the registered collectors).
 */
export function parseArgs(argv: string[], lookup: (name: string) => FlagDef | undefined): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, (string | boolean)[]>();
  const put = (name: string, v: string | boolean) => {
    const list = values.get(name) ?? [];
    list.push(v);
    values.set(name, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      put('help', true);
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown short flag '${arg}', try --help`);
      positionals.push(arg);
      continue;
    }
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    const def = lookup(name);
    if (!def && name.startsWith('no-') && inline === undefined) {
      const positive = lookup(name.slice(3));
      if (positive?.kind === 'bool') {
        put(positive.name, false);
        continue;
      }
    }
    if (!def) throw new UsageError(`unknown long flag '--${name}', try --help`);
    if (def.kind === 'bool') {
      put(def.name, inline === undefined ? true : parseBool(name, inline));
      continue;
    }
    let v = inline;
    if (v === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`flag --${name} needs a value`);
      v = next;
      i++;
    }
    put(def.name, v);
  }
  return { positionals, values };
}

/** The last value given for a flag (later flags win, like kingpin). */
export function lastValue(args: ParsedArgs, name: string): string | boolean | undefined {
  const list = args.values.get(name);
  return list?.[list.length - 1];
}
