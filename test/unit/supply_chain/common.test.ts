import { describe, expect, it } from 'vitest';
import { isSecureTransport, sourceRow, urlHost } from '../../../src/collectors/supply_chain/common.js';
import { iniBool, parseIni } from '../../../src/collectors/ini.parse.js';

describe('isSecureTransport', () => {
  it.each([
    ['https://deb.debian.org/debian', true],
    ['http://deb.debian.org/debian', false],
    ['ftp://ftp.example.org/', false],
    ['rsync://rsync.gentoo.org/gentoo-portage', false],
    ['git://example.org/repo.git', false],
    ['git+https://example.org/repo.git', true],
    ['tor+http://x.onion/', false],
    ['mirror+file:/etc/apt/mirrors.txt', true],
    ['file:///srv/repo', true],
    ['cdrom:[Debian]/', true],
    ['/media/cdrom/apks', true],
    ['relative/path', false],
    ['gopher://old.example/', false],
  ])('%s → %s', (url, secure) => expect(isSecureTransport(url)).toBe(secure));
});

describe('urlHost', () => {
  it('takes the host without port or credentials', () => {
    expect(urlHost('https://u:p@Pypi.Example.com:8443/simple')).toBe('pypi.example.com');
    expect(urlHost('/local')).toBe('');
  });
});

describe('sourceRow', () => {
  it('flags only enabled sources, with every reason', () => {
    const base = { file: '/f', name: 'n', type: 't', signed: 'false' as const, trusted: true };
    const on = sourceRow('apt', { ...base, url: 'http://u:pw@x/', enabled: true });
    expect(on).toMatchObject({ url: 'http://u:<redacted>@x/', insecure: true, insecure_reasons: 'unsigned,trusted,plain_transport' });
    const off = sourceRow('apt', { ...base, url: 'http://x/', enabled: false });
    expect(off).toMatchObject({ insecure: false, insecure_reasons: '' });
  });
});

describe('parseIni', () => {
  it('reads sections, continuation lines and both separators', () => {
    const s = parseIni('top=1\n[a]\nKey = v\nlist =\n  one\n  two\n[b]\nurl: https://x/?q=1\n', undefined, { continuation: true });
    expect(s.map((x) => x.name)).toEqual(['', 'a', 'b']);
    expect(s[1]!.values.get('key')).toBe('v');
    expect(s[1]!.values.get('list')).toBe('one\ntwo');
    expect(s[2]!.values.get('url')).toBe('https://x/?q=1');
  });
  it('reports garbage and truncated headers, keeps the rest', () => {
    const bad: number[] = [];
    const s = parseIni('[ok]\na=1\n[broken\n\u0000\u0001garbage\nb=2', (l) => bad.push(l));
    expect(bad).toEqual([3, 4]);
    expect(s[0]!.values.get('b')).toBe('2');
  });
  it('bare keys when asked', () => {
    expect(parseIni('[mysqld]\nskip-grant-tables\n', undefined, { bareKeys: true })[0]!.values.has('skip-grant-tables')).toBe(true);
  });
  it('booleans', () => {
    expect([iniBool('1'), iniBool('No'), iniBool('maybe'), iniBool(undefined)]).toEqual([true, false, null, null]);
  });
});
