import { describe, expect, it } from 'vitest';
import { hasUrlCredentials, isSecureTransport, sanitizeUrl, sourceRow, urlHost } from '../../../src/collectors/supply_chain/common.js';
import { iniBool, parseIni } from '../../../src/collectors/ini.parse.js';

describe('sanitizeUrl', () => {
  it('removes user:password@ and bare tokens', () => {
    expect(sanitizeUrl('https://alice:s3cret@pypi.example.com/simple/')).toBe('https://pypi.example.com/simple/');
    expect(sanitizeUrl('https://ghp_TOKEN123@github.com/org/repo.git')).toBe('https://github.com/org/repo.git');
    expect(sanitizeUrl('https://user:p@ss@host.example/x')).toBe('https://host.example/x');
    expect(sanitizeUrl('mirror+https://u:p@mirror.example/list')).toBe('mirror+https://mirror.example/list');
  });
  it('redacts secret query parameters and keeps the others', () => {
    expect(sanitizeUrl('https://repo.example/el9/?token=abc&arch=x86_64')).toBe('https://repo.example/el9/?token=REDACTED&arch=x86_64');
    expect(sanitizeUrl('https://m.example/metalink?repo=fedora-$releasever&arch=$basearch')).toBe(
      'https://m.example/metalink?repo=fedora-$releasever&arch=$basearch',
    );
    expect(sanitizeUrl('https://b.s3.example/x?X-Amz-Signature=deadbeef#frag')).toBe('https://b.s3.example/x?X-Amz-Signature=REDACTED#frag');
  });
  it('leaves non-URL sources alone', () => {
    expect(sanitizeUrl('cdrom:[Debian GNU/Linux 12]/')).toBe('cdrom:[Debian GNU/Linux 12]/');
    expect(sanitizeUrl('/srv/wheels')).toBe('/srv/wheels');
    expect(sanitizeUrl('  https://x.example/  ')).toBe('https://x.example/');
  });
  it('detects credentials', () => {
    expect(hasUrlCredentials('https://a:b@x/')).toBe(true);
    expect(hasUrlCredentials('https://x/~a@b')).toBe(false);
  });
});

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
    expect(on).toMatchObject({ url: 'http://x/', insecure: true, insecure_reasons: 'unsigned,trusted,plain_transport' });
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
