/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, REPO, tempDir } from '../helpers.js';
import { startExporter, waitFor, type RunningExporter } from '../support/exporter.js';
import { hasProgram } from '../support/programs.js';

/**
 * The host report in a real browser (Debian's chromium, headless): the fixture host with a few
 * risks planted on top, names that are HTML, search and paging, no console errors, and an
 * accessibility pass (landmarks, table headers, labels, contrast).
 */
const HOSTILE_FILE = '<img src=x onerror=alert(1)>';
const HOSTILE_PACKAGE = '<script>alert(2)</script>';
const haveChromium = hasProgram('chromium');

let root: string;
let exp: RunningExporter;
let browser: Browser;
const problems: string[] = [];

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  return page;
}

describe.skipIf(!haveChromium)('host report in headless Chromium', () => {
  beforeAll(async () => {
    root = tempDir('hb-report-');
    const host = path.join(root, 'host');
    cpSync(fixturePath('host-a'), host, { recursive: true, verbatimSymlinks: true });
    // A setuid file in /tmp whose name is HTML, and a package whose name is a script.
    mkdirSync(path.join(host, 'tmp'), { recursive: true });
    const suid = path.join(host, 'tmp', HOSTILE_FILE);
    writeFileSync(suid, '#!/bin/sh\n');
    chmodSync(suid, 0o4755);
    const status = path.join(host, 'var/lib/dpkg/status');
    writeFileSync(
      status,
      readFileSync(status, 'utf8') + `\nPackage: ${HOSTILE_PACKAGE}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\nDescription: a name that is HTML\n`,
    );
    exp = await startExporter([`--path.rootfs=${host}`, `--path.state=${path.join(root, 'state')}`, `--config.file=${fixturePath('host-a.config.yaml')}`]);
    await waitFor('readiness', async () => (await fetch(`${exp.url}/readyz`)).status === 200, 60_000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (exp) expect(await exp.stop()).toBe(0);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('shows the identity of the host', async () => {
    const page = await open(`${exp.url}/`);
    const identity = Object.fromEntries(
      await page.$$eval('#identity dt', (dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])),
    );
    expect(identity).toMatchObject({ Hostname: 'web-01', 'Operating system': 'Debian GNU/Linux 12 (bookworm)', Kernel: '6.1.0-17-amd64', Platform: 'Dell Inc. PowerEdge R650' });
    expect(identity['Container engine']).toMatch(/^Docker not running/);
    expect(identity['Last refresh']).toMatch(/^\d{4}-\d\d-\d\dT/);
    mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO, 'test-results', 'host-report.png'), fullPage: true });
    await page.close();
  });

  it('lists every planted risk, grouped by severity, each linking to its facts', async () => {
    const page = await open(`${exp.url}/`);
    const risks = await page.$$eval('[data-risk]', (els) =>
      els.map((e) => ({ id: e.getAttribute('data-risk'), group: e.closest('section')?.querySelector('h3')?.textContent, items: [...e.querySelectorAll('li')].map((li) => li.textContent) })),
    );
    const byId = Object.fromEntries(risks.map((r) => [r.id, r]));
    expect(byId.uid0_account).toMatchObject({ group: 'High', items: ['toor (uid 0, shell /bin/sh)'] });
    expect(byId.sudo_nopasswd?.items).toHaveLength(5);
    expect(byId.unencrypted_private_key?.items).toContain('/home/alice/.ssh/id_ed25519 (ssh-ed25519, user alice)');
    expect(byId.suid_unusual_location).toMatchObject({ group: 'High', items: [`/tmp/${HOSTILE_FILE} (setuid root, mode 4755)`] });
    expect(byId.risky_sshd_setting?.items).toContain('PermitRootLogin yes (/etc/ssh/sshd_config.d/60-hardening.conf)');
    expect(byId.wildcard_listener?.group).toBe('Medium');
    expect(byId.wildcard_listener?.items).toContain('tcp 0.0.0.0:4444 — kworker/0:2 (/tmp/.X11-unix/.k/kworkerd)');
    expect(byId.insecure_package_source?.items.some((t: string | null) => t?.includes('apt http://apt.corp.example.internal/debian'))).toBe(true);
    // Every high risk comes before every medium one.
    const order = risks.map((r) => r.group);
    expect(order.lastIndexOf('High')).toBeLessThan(order.indexOf('Medium'));

    // An item's link opens its table, searched for that row.
    await page.click('[data-risk="uid0_account"] li a');
    await page.waitForURL(/\/tables\/users\/users\?q=toor/);
    expect(await page.textContent('.matches')).toMatch(/^1 of 10 rows match/);
    expect(await page.$$eval('tbody tr', (rows) => rows.length)).toBe(1);
    await page.close();
  });

  it('renders host-supplied HTML as text', async () => {
    const page = await open(`${exp.url}/`);
    expect(await page.textContent('[data-risk="suid_unusual_location"]')).toContain(HOSTILE_FILE);
    expect(await page.$$('main img')).toHaveLength(0);
    const pkgs = await open(`${exp.url}/tables/deb/packages?q=${encodeURIComponent('alert(2)')}`);
    expect(await pkgs.$$eval('tbody td', (tds) => tds.map((t) => t.textContent))).toContain(HOSTILE_PACKAGE);
    expect(await pkgs.$$('main script')).toHaveLength(0);
    await page.close();
    await pkgs.close();
  });

  it('searches and pages a big table', async () => {
    const page = await open(`${exp.url}/`);
    // memory/memory has more rows than a page holds; unfold it, and its link leads to the table page.
    await page.click('details:has(a[href="/tables/memory/memory"]) > summary');
    await page.click('a[href="/tables/memory/memory"]');
    await page.waitForURL(/\/tables\/memory\/memory$/);
    expect(await page.textContent('[aria-current="page"]')).toBe('Page 1 of 2');
    const first = await page.$$eval('tbody tr', (rows) => rows.length);
    expect(first).toBe(50);
    await page.click('a[rel="next"]');
    expect(await page.textContent('[aria-current="page"]')).toBe('Page 2 of 2');
    const total = Number(/of (\d+) rows/.exec((await page.textContent('.matches')) ?? '')?.[1]);
    expect(await page.$$eval('tbody tr', (rows) => rows.length)).toBe(total - 50);
    await page.fill('input[name="q"]', 'huge');
    await page.click('button[type="submit"]');
    await page.waitForURL(/q=huge/);
    const cells = await page.$$eval('tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => /huge/i.test(c))).toBe(true);
    await page.close();
  });

  it('passes an accessibility check: landmarks, headers, labels, contrast', async () => {
    for (const url of [`${exp.url}/`, `${exp.url}/tables/memory/memory`]) {
      const page = await open(url);
      for (const landmark of ['header', 'nav', 'main', 'footer']) expect(await page.$$(landmark), landmark).not.toHaveLength(0);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      const tables = await page.$$eval('table', (ts) => ts.map((t) => ({ caption: !!t.querySelector('caption'), headers: t.querySelectorAll('thead th[scope="col"]').length })));
      for (const t of tables) expect(t).toMatchObject({ caption: true, headers: expect.any(Number) });
      expect(tables.every((t) => t.headers > 0)).toBe(true);
      const unlabelled = await page.$$eval('input', (inputs) => inputs.filter((i) => !(i.id && document.querySelector(`label[for="${i.id}"]`))).length);
      expect(unlabelled).toBe(0);
      // WCAG AA: text contrast of at least 4.5:1 against the first opaque background behind it.
      const low = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = ([r, g, b]: number[]) => {
          const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
        };
        const bg = (el: Element | null): number[] => {
          for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3]! > 0)) return c.slice(0, 3);
          }
          return [255, 255, 255];
        };
        const out: string[] = [];
        for (const el of document.querySelectorAll('body *')) {
          const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
          if (!own) continue;
          const a = lum(rgb(getComputedStyle(el).color));
          const b = lum(bg(el));
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)}`);
        }
        return [...new Set(out)];
      });
      expect(low).toEqual([]);
      await page.close();
    }
  });

  it('printed no console errors on any page', () => {
    expect(problems).toEqual([]);
  });

  it('serves the same model as JSON', async () => {
    const r = (await (await fetch(`${exp.url}/report.json`)).json()) as { identity: { hostname: string }; risks: { id: string }[]; areas: { area: string; tables: { name: string; rows: unknown[] }[] }[] };
    expect(r.identity.hostname).toBe('web-01');
    expect(r.risks.map((x) => x.id)).toContain('uid0_account');
    const deb = r.areas.find((a) => a.area === 'software')!.tables.find((t) => t.name === 'packages' && JSON.stringify(t.rows).includes(HOSTILE_PACKAGE));
    expect(deb).toBeDefined();
  });
});
