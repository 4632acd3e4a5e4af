import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers.js';

/** The import-boundary rules of eslint.config.js, checked on snippets placed where they would live. */
const eslint = new ESLint({ cwd: REPO });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('a collector area may not import another area', async () => {
    expect(await restricted('src/collectors/network/x.ts', "import { listPids } from '../processes/procfs.js';\nexport { listPids };\n")).toHaveLength(1);
    expect(await restricted('src/collectors/cloud/x.ts', "import { readDmi } from '../../collectors/devices/dmi.js';\nexport { readDmi };\n")).toHaveLength(1);
  });
  it('an area may import its own files, the host layer, the toolkit and the collector types', async () => {
    const code = [
      "import { a } from './common.js';",
      "import { listPids } from '../../host/procfs/pids.js';",
      "import { uniqueRows } from '../toolkit/rows.js';",
      "import type { FactRow } from '../types.js';",
      'export { a, listPids, uniqueRows, type FactRow };',
      '',
    ].join('\n');
    expect(await restricted('src/collectors/network/x.ts', code)).toEqual([]);
  });
  it('collectors never import prom-client or OpenTelemetry', async () => {
    expect(await restricted('src/collectors/system/x.ts', "import { Gauge } from 'prom-client';\nexport { Gauge };\n")).toHaveLength(1);
    expect(await restricted('src/collectors/system/x.ts', "import { logs } from '@opentelemetry/api-logs';\nexport { logs };\n")).toHaveLength(1);
  });
  it('the host layer and the toolkit know no collector', async () => {
    expect(
      await restricted('src/host/procfs/x.ts', "import { processes } from '../../collectors/processes/processes.js';\nexport { processes };\n"),
    ).toHaveLength(1);
    expect(await restricted('src/collectors/toolkit/x.ts', "import { sourceRow } from '../supply_chain/common.js';\nexport { sourceRow };\n")).toHaveLength(1);
  });
});
