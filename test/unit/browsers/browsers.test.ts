import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumExtensions } from '../../../src/collectors/browsers/chromium-extensions.js';
import { lookupMessage, parseManifest, parsePreferences } from '../../../src/collectors/browsers/chromium.parse.js';
import { firefoxAddons } from '../../../src/collectors/browsers/firefox-addons.js';
import { parseExtensionsJson, parseProfilesIni } from '../../../src/collectors/browsers/firefox.parse.js';
import { isAllSitesPattern, riskyPermissions } from '../../../src/collectors/browsers/permissions.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { put } from '../../support/host-root.js';

const HOST_A = fixturePath('host-a');

describe('permission checks', () => {
  it('all-sites patterns and risky APIs', () => {
    for (const p of ['<all_urls>', '*://*/*', 'http://*/*', 'https://*/', 'file://*/*']) expect(isAllSitesPattern(p), p).toBe(true);
    for (const p of ['https://*.google.com/*', 'https://example.com/*', 'tabs']) expect(isAllSitesPattern(p), p).toBe(false);
    expect(riskyPermissions(['tabs', 'storage', 'cookies', 'debugger', 'webRequest', 'https://docs.google.com/*', 'proxy', 'nativeMessaging'])).toEqual([
      'cookies', 'debugger', 'nativeMessaging', 'proxy', 'webRequest',
    ]);
  });
});

describe('Chromium parsers', () => {
  it('MV2 host patterns inside permissions are split out; objects become their keys', () => {
    const m = parseManifest(JSON.stringify({ name: 'x', version: '1', manifest_version: 2, permissions: ['tabs', '<all_urls>', 'https://a.example/*', { fileSystem: ['write'] }], content_scripts: [{ matches: ['*://*/*'] }] }));
    expect(m.permissions).toEqual(['tabs', 'fileSystem']);
    expect(m.host_permissions).toEqual(['<all_urls>', 'https://a.example/*']);
    expect(m.content_script_matches).toEqual(['*://*/*']);
  });
  it('a manifest without name/version, or truncated, throws', () => {
    expect(() => parseManifest('{"name": "x"}')).toThrow(/name or version/);
    expect(() => parseManifest('{"name": "x", "vers')).toThrow();
  });
  it('messages.json lookup is case-insensitive and tolerates a BOM', () => {
    expect(lookupMessage('\ufeff{"AppName": {"message": "Hello"}}', 'appname')).toBe('Hello');
  });
  it('Preferences: state, disable_reasons, location names, install_time from Windows epoch microseconds', () => {
    const s = parsePreferences(JSON.stringify({ extensions: { settings: { a: { state: 1, location: 1, install_time: '13350000000000000', from_webstore: true }, b: { disable_reasons: [1] , location: 4, path: '/x' }, c: { disable_reasons: 0 } } } }));
    expect(s.get('a')).toMatchObject({ enabled: true, location: 'internal', from_webstore: true, install_time: 1705526400 });
    expect(s.get('b')).toMatchObject({ enabled: false, location: 'unpacked', path: '/x' });
    expect(s.get('c')!.enabled).toBe(true);
  });
});

describe('Firefox parsers', () => {
  it('profiles.ini sections', () => {
    expect(parseProfilesIni('[Install1]\nDefault=a\n[Profile0]\nName=x\nIsRelative=1\nPath=abc.default\n[Profile1]\nIsRelative=0\nPath=/srv/ff\n[General]\nVersion=2\n')).toEqual([
      { name: 'x', path: 'abc.default', relative: true },
      { name: '/srv/ff', path: '/srv/ff', relative: false },
    ]);
  });
  it('extensions.json: origins become host permissions; an add-on without id is a bad record', () => {
    const bad: number[] = [];
    const a = parseExtensionsJson(JSON.stringify({ addons: [{ id: 'x@y', type: 'extension', defaultLocale: { name: 'X' }, active: true, userPermissions: { permissions: ['cookies'], origins: ['<all_urls>'] } }, { name: 'no id' }] }), (i) => bad.push(i));
    expect(a[0]).toMatchObject({ id: 'x@y', name: 'X', permissions: ['cookies'], host_permissions: ['<all_urls>'], active: true });
    expect(bad).toEqual([1]);
  });
  it('truncated or not an add-on list throws', () => {
    expect(() => parseExtensionsJson('{"addons":[{"id":"a"')).toThrow(/not JSON/);
    expect(() => parseExtensionsJson('{"schemaVersion": 36}')).toThrow(/addons/);
  });
});

describe('browser collectors on host-a', () => {
  it('chromium_extensions: Chrome, Brave (Profile 1), Opera, unpacked extension; the malformed manifest skipped with a parse error', async () => {
    const r = await collectOnce(chromiumExtensions, HOST_A);
    expect(r.state.success).toBe(true);
    const rows = r.tables.browser_extensions!;
    expect(rows.map((e) => `${e.browser}/${e.profile}/${e.name}`)).toEqual([
      'brave/Profile 1/Bitwarden Password Manager',
      'chrome/Default/uBlock Origin',
      'chrome/Default/React Developer Tools',
      'chrome/Default/Google Docs Offline',
      'chrome/Default/Internal Dev Helper',
      'opera/Default/DuckDuckGo Privacy Essentials',
    ]);
    const ublock = rows.find((e) => e.id === 'cjpalhdlnbpafiamejdnhcphjbkeiagm')!;
    expect(ublock).toMatchObject({ version: '1.58.0', enabled: true, from_webstore: true, risky: true });
    expect(rows.find((e) => e.id === 'fmkadmapgofadopljbjfkapdkoienihi')!.enabled).toBe(false);
    expect(r.state.parseErrorsTotal).toBe(1); // Google Translate's truncated manifest
    expect(r.samples).toContain('hostbaseline_browser_extension_risky_permission{browser="chrome",user="alice",profile="Default",id="knldjmfmopnpolahpmmgbagdohdnhkik",permission="debugger"} 1');
  });

  it('firefox_addons: the good profile is reported, the truncated extensions.json and the id-less add-on are parse errors', async () => {
    const r = await collectOnce(firefoxAddons, HOST_A);
    expect(r.state.success).toBe(true);
    expect(r.tables.browser_extensions!.map((e) => [e.id, e.type, e.enabled])).toEqual([
      ['en-GB@dictionaries.addons.mozilla.org', 'dictionary', true],
      ['firefox-compact-dark@mozilla.org', 'theme', false],
      ['formautofill@mozilla.org', 'extension', true],
      ['uBlock0@raymondhill.net', 'extension', true],
    ]);
    expect(r.state.parseErrorsTotal).toBe(2);
    expect(r.tables.browser_extension_counts).toEqual([{ browser: 'firefox', extensions: 4, risky_extensions: 1, profiles: 2 }]);
  });

  it('a directory where manifest.json should be fails the collector, naming the file', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'home/u/.config/chromium/Default/Extensions/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/1.0/manifest.json'), { recursive: true });
    const r = await collectOnce(chromiumExtensions, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('manifest.json: not a regular file');
  });

  it('an oversized extensions.json fails the collector', async () => {
    const root = tempDir();
    put(root, 'home/u/.mozilla/firefox/p.default/extensions.json', JSON.stringify({ addons: [] }) + ' '.repeat(4096));
    const r = await collectOnce(firefoxAddons, root, { maxFileBytes: 1024 });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('file too large');
  });

  it('both succeed with zero rows on an empty host', async () => {
    for (const spec of [chromiumExtensions, firefoxAddons]) {
      const r = await collectOnce(spec, tempDir());
      expect(r.state.success).toBe(true);
      expect(r.tables.browser_extensions).toEqual([]);
    }
  });
});
