import { createRequire } from 'node:module';

/**
 * The yaml package (about 70 modules) is loaded on first use only: the exporter parses YAML
 * just for --config.file and --web.config.file, and most hosts pass neither.
 */
export function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}
