import { describe, expect, it } from 'vitest';
import { parseDeb822Sources, parseOneLineSources } from '../../../src/collectors/supply_chain/apt-sources.parse.js';
import { parseApkRepositories } from '../../../src/collectors/supply_chain/apk-repos.parse.js';
import { parseNpmrc } from '../../../src/collectors/supply_chain/npm-config.parse.js';
import { parseMirrorlist, parsePacmanConf, resolveSigLevel } from '../../../src/collectors/supply_chain/pacman-repos.parse.js';
import { mergeReposConf, portageSigned } from '../../../src/collectors/supply_chain/portage-repos.parse.js';
import { parsePipConf } from '../../../src/collectors/supply_chain/pip-config.parse.js';
import { mainGpgcheck, parseRepoFile } from '../../../src/collectors/supply_chain/repo-file.parse.js';

function collectBad() {
  const bad: string[] = [];
  return { bad, onBad: (line: number, reason: string) => bad.push(`${line}: ${reason}`) };
}

describe('apt one-line sources', () => {
  it('parses options, flat repositories and comments', () => {
    const e = parseOneLineSources(
      'deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg trusted=yes] https://r.example/debian bookworm main contrib # note\n' +
        'deb-src [ arch=amd64 ] http://r.example/debian ./\n# deb http://off.example/ x main\n',
    );
    expect(e).toHaveLength(2);
    expect(e[0]).toMatchObject({ type: 'deb', uri: 'https://r.example/debian', suite: 'bookworm', components: ['main', 'contrib'] });
    expect(e[0]!.options).toEqual({ arch: 'amd64,arm64', 'signed-by': '/usr/share/keyrings/x.gpg', trusted: 'yes' });
    expect(e[1]).toMatchObject({ type: 'deb-src', suite: './', components: [] });
  });
  it('skips and reports bad lines: garbage, truncated, unknown type, missing component', () => {
    const { bad, onBad } = collectBad();
    const e = parseOneLineSources(
      'garbage\ndeb [trusted=yes http://x/ y main\ndeb http://x/\ndeb http://x/ bookworm\n\u0000\u0001\u0002\ndeb http://ok/ y main',
      onBad,
    );
    expect(e.map((x) => x.uri)).toEqual(['http://ok/']);
    expect(bad.map((b) => b.split(':')[0])).toEqual(['1', '2', '3', '4', '5']);
  });
});

describe('apt deb822 sources', () => {
  it('expands types × URIs × suites and keeps only that a key is inline', () => {
    const e = parseDeb822Sources(
      'Types: deb deb-src\nURIs: https://a/ https://b/\nSuites: s1 s2\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINBFSECRET\n -----END PGP PUBLIC KEY BLOCK-----\nEnabled: no\n',
    );
    expect(e).toHaveLength(8);
    expect(e.every((x) => x.options['signed-by'] === 'inline' && !x.enabled)).toBe(true);
    expect(JSON.stringify(e)).not.toContain('mQINBFSECRET');
  });
  it('reports stanzas without URIs and garbage lines', () => {
    const { bad, onBad } = collectBad();
    const e = parseDeb822Sources('Types: deb\nSuites: x\n\n not a continuation\ngarbage here\n\nTypes: deb\nURIs: http://ok/\nSuites: a\n', onBad);
    expect(e.map((x) => x.uri)).toEqual(['http://ok/']);
    expect(bad).toHaveLength(3);
  });
  it('truncated stanza (no Suites) is skipped', () => {
    const { bad, onBad } = collectBad();
    expect(parseDeb822Sources('Types: deb\nURIs: https://x/', onBad)).toEqual([]);
    expect(bad).toHaveLength(1);
  });
});

describe('yum/zypper .repo files', () => {
  it('reads repositories, multi-line baseurl and defaults', () => {
    const r = parseRepoFile('[main]\ngpgcheck=1\n[a]\nbaseurl=https://x/\n  http://y/\nenabled=0\ngpgkey=file:///k1 file:///k2\n[b]\nmetalink=https://m/?repo=x\n');
    expect(r.map((x) => x.id)).toEqual(['a', 'b']);
    expect(r[0]).toMatchObject({ urls: ['https://x/', 'http://y/'], urlKind: 'baseurl', enabled: false, gpgcheck: null, gpgkeys: ['file:///k1', 'file:///k2'] });
    expect(r[1]).toMatchObject({ urlKind: 'metalink', enabled: null });
    expect(mainGpgcheck('[main]\ngpgcheck=False\n')).toBe(false);
  });
  it('reports keys outside a section and garbage', () => {
    const { bad, onBad } = collectBad();
    const r = parseRepoFile('baseurl=http://x/\n[ok]\nbaseurl=https://y/\n%%%%\n[trunc', onBad);
    expect(r.map((x) => x.id)).toEqual(['ok']);
    expect(bad).toHaveLength(3);
  });
});

describe('pacman', () => {
  it('parses repositories with Server, Include and SigLevel', () => {
    const c = parsePacmanConf('[options]\nSigLevel = Never\nCheckSpace\n[core]\nInclude = /etc/pacman.d/mirrorlist\n[x]\nSigLevel = PackageRequired\nServer = https://a/\nServer = http://b/\n');
    expect(c.sigLevel).toBe('Never');
    expect(c.repos).toEqual([
      { name: 'core', line: 4, servers: [], includes: ['/etc/pacman.d/mirrorlist'], sigLevel: null },
      { name: 'x', line: 6, servers: ['https://a/', 'http://b/'], includes: [], sigLevel: 'PackageRequired' },
    ]);
  });
  it('resolves SigLevel tokens over the default and the global value', () => {
    expect(resolveSigLevel(null, null)).toEqual({ package: 'Required', database: 'Optional', packageTrust: 'TrustedOnly' });
    expect(resolveSigLevel('Never', null).package).toBe('Never');
    expect(resolveSigLevel('Never', 'PackageRequired')).toMatchObject({ package: 'Required', database: 'Never' });
    expect(resolveSigLevel('Required', 'Optional TrustAll')).toMatchObject({ package: 'Optional', packageTrust: 'TrustAll' });
    expect(resolveSigLevel('Required', 'DatabaseTrustAll bogus').packageTrust).toBe('TrustedOnly');
  });
  it('mirror lists ignore commented servers; bad lines are reported', () => {
    expect(parseMirrorlist('#Server = http://x/\nServer = https://y/$repo\n## c\n')).toEqual(['https://y/$repo']);
    const { bad, onBad } = collectBad();
    parsePacmanConf('Server = http://top/\n[r]\n!!!\n', onBad);
    expect(bad).toHaveLength(2);
  });
});

describe('apk repositories', () => {
  it('reads tags, commented-out repositories and local paths', () => {
    const r = parseApkRepositories('https://a/main\n@edge http://b/edge\n#http://c/testing\n# just a comment\n/media/apks\n');
    expect(r.map((x) => [x.tag, x.url, x.enabled])).toEqual([
      ['', 'https://a/main', true],
      ['@edge', 'http://b/edge', true],
      ['', 'http://c/testing', false],
      ['', '/media/apks', true],
    ]);
  });
  it('reports garbage', () => {
    const { bad, onBad } = collectBad();
    expect(parseApkRepositories('not a url\n@tag\nhttps://ok/ extra\n', onBad)).toEqual([]);
    expect(bad).toHaveLength(3);
  });
});

describe('portage repos.conf', () => {
  it('merges files key by key and knows each sync type check', () => {
    const m = mergeReposConf(new Map(), '[gentoo]\nsync-type = rsync\nsync-rsync-verify-metamanifest = yes\nlocation = /var/db/repos/gentoo\n');
    mergeReposConf(m, '[gentoo]\nsync-type = git\n[ov]\nsync-type = webrsync\nsync-webrsync-verify-signature = true\n[local]\nlocation=/x\n[svn]\nsync-type = svn\n');
    expect(m.get('gentoo')!.get('location')).toBe('/var/db/repos/gentoo');
    expect(portageSigned(m.get('gentoo')!)).toBe('false'); // git without verify-commit-signature
    expect(portageSigned(m.get('ov')!)).toBe('true');
    expect(portageSigned(m.get('local')!)).toBe('unknown');
    expect(portageSigned(m.get('svn')!)).toBe('false');
  });
});

describe('pip.conf', () => {
  it('reads index-url, multi-line extra-index-url, trusted-host and underscores', () => {
    const c = parsePipConf('[global]\nindex_url = https://u:p@i/simple\nextra-index-url =\n  https://a/\n  http://b/\ntrusted-host = I.example b:8080\n[install]\nfind-links = /srv/w\n');
    expect(c.indexes.map((i) => `${i.section}.${i.key}=${i.url}`)).toEqual([
      'global.index-url=https://u:p@i/simple',
      'global.extra-index-url=https://a/',
      'global.extra-index-url=http://b/',
      'install.find-links=/srv/w',
    ]);
    expect(c.trustedHosts).toEqual(['i.example', 'b:8080']);
  });
});

describe('npmrc', () => {
  it('keeps registries and drops every credential value', () => {
    const text =
      'registry="https://registry.npmjs.org/"\n@corp:registry=https://npm.corp/\n//npm.corp/:_authToken=npm_SECRETTOKEN\n_auth=c2VjcmV0\n//npm.corp/:_password=UEFTUw==\n//npm.corp/:username=bob\nstrict-ssl=false\n; c\n# c\n';
    const c = parseNpmrc(text);
    expect(c.registries).toEqual([
      { scope: '', url: 'https://registry.npmjs.org/' },
      { scope: '@corp', url: 'https://npm.corp/' },
    ]);
    expect(c.strictSsl).toBe(false);
    expect(c.authFor).toEqual(['//npm.corp/', '', '//npm.corp/']);
    const json = JSON.stringify(c);
    for (const secret of ['npm_SECRETTOKEN', 'c2VjcmV0', 'UEFTUw==']) expect(json).not.toContain(secret);
  });
  it('reports lines without "="', () => {
    const { bad, onBad } = collectBad();
    parseNpmrc('garbage\n=value\nregistry=https://x/\n', onBad);
    expect(bad).toHaveLength(2);
  });
});
