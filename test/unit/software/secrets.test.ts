import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { softwareCollectors } from '../../../src/collectors/software/index.js';
import { redactText } from '../../../src/util/redact.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './host.js';

const PASSWORD = 'Tr0ub4dor-and-3';
const TOKEN = 'npm_Zx8Qw2Lk9Pp4Rr7Tt1Yy6Uu3Ii0Oo5Aa2Ss';

/** Package metadata files that carry credentials in fields the collectors must not export. */
const SECRET_HOST = {
  '/usr/lib/node_modules/private-lib/package.json': JSON.stringify({
    name: 'private-lib',
    version: '1.0.0',
    _resolved: `https://ci:${PASSWORD}@npm.corp.example/private-lib/-/private-lib-1.0.0.tgz`,
    repository: { url: `git+https://deploy:${PASSWORD}@git.corp.example/private-lib.git` },
    config: { _authToken: TOKEN },
  }),
  '/usr/lib/node_modules/url-version/package.json': JSON.stringify({ name: 'url-version', version: `git+https://x:${PASSWORD}@git.example/a.git#v1` }),
  '/usr/lib/python3/dist-packages/internal-1.0.dist-info/METADATA': `Metadata-Version: 2.1\nName: internal\nVersion: 1.0\nDownload-URL: https://pypi:${PASSWORD}@pypi.corp.example/simple/internal\nHome-page: https://token:${TOKEN}@example.org\n\n`,
  '/usr/lib/python3/dist-packages/internal-1.0.dist-info/direct_url.json': JSON.stringify({ url: `https://u:${PASSWORD}@files.example/internal.whl` }),
  '/home/eve/.vscode/extensions/corp.tool-1.0.0/package.json': JSON.stringify({ name: 'tool', publisher: 'corp', version: '1.0.0', repository: `https://eve:${PASSWORD}@git.example/tool` }),
};

async function allOutput(root: string): Promise<string> {
  let out = '';
  for (const spec of softwareCollectors) {
    const { state, tables, samples } = await collectOnce(spec, root);
    out += JSON.stringify(tables) + samples + (state.lastError ?? '');
  }
  return out;
}

describe('secrets stay home (software collectors)', () => {
  it('never export URL credentials or tokens found next to package metadata', async () => {
    const out = await allOutput(hostWith(SECRET_HOST));
    expect(out).toContain('private-lib'); // the packages themselves are reported
    expect(out).toContain('"url-version"');
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('git+https://x:<redacted>@git.example/a.git#v1'); // the URL kept, its password gone
  });

  it('export nothing of the fixture host npmrc credentials', async () => {
    const out = await allOutput(fixturePath('host-a'));
    for (const home of ['alice', 'bob']) {
      const npmrc = readFileSync(path.join(fixturePath('host-a'), 'home', home, '.npmrc'), 'utf8');
      for (const m of npmrc.matchAll(/_auth(?:Token)?\s*=\s*(\S+)/g)) expect(out).not.toContain(m[1]);
    }
  });

  it('redacts the password or token of every URL of a text', () => {
    expect(redactText('a https://u:p@h/x and ssh://ghp_0123456789abcdefghijABCDEFGHIJ012345@h2 and ssh://git@h3 and mail@example.org')).toBe(
      'a https://u:<redacted>@h/x and ssh://<redacted>@h2 and ssh://git@h3 and mail@example.org',
    );
  });
});
