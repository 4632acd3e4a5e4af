import { describe, expect, it } from 'vitest';
import { osRelease } from '../../../src/collectors/system/os-release.js';
import { collectOnce } from '../../helpers.js';
import { hostRoot } from './roots.js';

/** What the distributions ship, byte for byte (trailing newlines included). */
const FILES = {
  centos6: 'CentOS release 6.10 (Final)\n',
  centos7: 'CentOS Linux release 7.9.2009 (Core)\n',
  rhel7: 'Red Hat Enterprise Linux Server release 7.9 (Maipo)\n',
  amazon2: 'Amazon Linux release 2 (Karoo)\n',
  amazon1: 'Amazon Linux AMI release 2018.03\n',
  oracleCompat: 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n',
  oracle: 'Oracle Linux Server release 6.10\n',
  sles11: 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n',
  opensuse: 'openSUSE 13.1 (x86_64)\nVERSION = 13.1\nCODENAME = Bottle\n# /etc/SuSE-release is deprecated and will be removed in a future service pack or release.\n# Please check /etc/os-release for details about this release.\n',
  alpine: '3.19.1\n',
  gentoo: 'Gentoo Base System release 2.14\n',
  debian: '12.5\n',
  sid: 'trixie/sid\n',
  ubuntuLsb: 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\nDISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"\n',
  rhelLsb: 'LSB_VERSION=base-4.0-amd64:base-4.0-noarch:core-4.0-amd64:core-4.0-noarch\n',
};

async function identity(files: Record<string, string>) {
  const { state, tables } = await collectOnce(osRelease, hostRoot(files));
  expect(state.success, state.lastError ?? '').toBe(true);
  return { rows: tables.os_release!, parseErrors: state.parseErrorsTotal };
}

describe('os_release without os-release', () => {
  const cases: { what: string; files: Record<string, string>; want: Record<string, string> }[] = [
    {
      what: 'CentOS 6 (centos-release, redhat-release and system-release all say so)',
      files: { '/etc/centos-release': FILES.centos6, '/etc/redhat-release': FILES.centos6, '/etc/system-release': FILES.centos6 },
      want: { id: 'centos', id_like: 'rhel fedora', name: 'CentOS', pretty_name: 'CentOS release 6.10 (Final)', version: '6.10 (Final)', version_id: '6.10', source: '/etc/centos-release' },
    },
    {
      what: 'RHEL 7 Server',
      files: { '/etc/redhat-release': FILES.rhel7 },
      want: { id: 'rhel', id_like: 'fedora', name: 'Red Hat Enterprise Linux Server', version: '7.9 (Maipo)', version_id: '7.9', variant_id: 'server', source: '/etc/redhat-release' },
    },
    {
      what: 'Amazon Linux 2 (system-release)',
      files: { '/etc/system-release': FILES.amazon2 },
      want: { id: 'amzn', id_like: 'centos rhel fedora', name: 'Amazon Linux', pretty_name: 'Amazon Linux release 2 (Karoo)', version: '2 (Karoo)', version_id: '2', source: '/etc/system-release' },
    },
    {
      what: 'Amazon Linux AMI 2018.03',
      files: { '/etc/system-release': FILES.amazon1 },
      want: { id: 'amzn', name: 'Amazon Linux AMI', version: '2018.03', version_id: '2018.03', source: '/etc/system-release' },
    },
    {
      what: "Oracle Linux 6, whose redhat-release keeps RHEL's name",
      files: { '/etc/redhat-release': FILES.oracleCompat, '/etc/system-release': FILES.oracle },
      want: { id: 'ol', name: 'Oracle Linux Server', version_id: '6.10', source: '/etc/system-release' },
    },
    {
      what: 'SLES 11 SP4 (SuSE-release)',
      files: { '/etc/SuSE-release': FILES.sles11 },
      want: { id: 'sles', id_like: 'suse', name: 'SUSE Linux Enterprise Server', pretty_name: 'SUSE Linux Enterprise Server 11 SP4', version: '11-SP4', version_id: '11.4', source: '/etc/SuSE-release' },
    },
    {
      what: 'openSUSE 13.1 (SuSE-release with its deprecation comment)',
      files: { '/etc/SuSE-release': FILES.opensuse },
      want: { id: 'opensuse', name: 'openSUSE', pretty_name: 'openSUSE 13.1', version: '13.1 (Bottle)', version_id: '13.1', version_codename: 'bottle' },
    },
    {
      what: 'Alpine 3.19',
      files: { '/etc/alpine-release': FILES.alpine },
      want: { id: 'alpine', name: 'Alpine Linux', pretty_name: 'Alpine Linux v3.19', version_id: '3.19.1', source: '/etc/alpine-release' },
    },
    {
      what: 'Gentoo',
      files: { '/etc/gentoo-release': FILES.gentoo },
      want: { id: 'gentoo', name: 'Gentoo', pretty_name: 'Gentoo Base System release 2.14', version_id: '2.14', source: '/etc/gentoo-release' },
    },
    {
      what: 'Debian 12.5 (debian_version)',
      files: { '/etc/debian_version': FILES.debian },
      want: { id: 'debian', name: 'Debian GNU/Linux', pretty_name: 'Debian GNU/Linux 12.5', version: '12.5', version_id: '12', source: '/etc/debian_version' },
    },
    {
      what: 'Ubuntu 14.04: lsb-release before the debian_version Ubuntu also has',
      files: { '/etc/lsb-release': FILES.ubuntuLsb, '/etc/debian_version': 'jessie/sid\n' },
      want: { id: 'ubuntu', id_like: 'debian', name: 'Ubuntu', pretty_name: 'Ubuntu 14.04.6 LTS', version: '14.04.6 LTS', version_id: '14.04', version_codename: 'trusty', source: '/etc/lsb-release' },
    },
    {
      what: "RHEL 6 with redhat-lsb: lsb-release without DISTRIB_ID is passed over",
      files: { '/etc/lsb-release': FILES.rhelLsb, '/etc/redhat-release': 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n' },
      want: { id: 'rhel', version_id: '6.10', source: '/etc/redhat-release' },
    },
  ];

  for (const c of cases) {
    it(c.what, async () => {
      const { rows, parseErrors } = await identity(c.files);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject(c.want);
      expect(parseErrors).toBe(0);
    });
  }

  it('is empty when no identity file exists', async () => {
    expect((await identity({ '/etc/hostname': 'x\n' })).rows).toEqual([]);
  });

  it('counts a release file it cannot read as a parse error and tries the next', async () => {
    const { rows, parseErrors } = await identity({ '/etc/redhat-release': 'garbage without a version\n', '/etc/debian_version': FILES.debian });
    expect(rows[0]).toMatchObject({ id: 'debian', source: '/etc/debian_version' });
    expect(parseErrors).toBe(1);
  });
});

describe('os_release with os-release', () => {
  const debianOsRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';

  it('uses a complete os-release alone', async () => {
    const { rows } = await identity({ '/etc/os-release': debianOsRelease, '/etc/debian_version': FILES.debian });
    expect(rows).toEqual([
      {
        id: 'debian',
        id_like: '',
        name: 'Debian GNU/Linux',
        pretty_name: 'Debian GNU/Linux 12 (bookworm)',
        version: '12 (bookworm)',
        version_id: '12',
        version_codename: 'bookworm',
        build_id: '',
        variant_id: '',
        source: '/etc/os-release',
      },
    ]);
  });

  it('falls back to /usr/lib/os-release', async () => {
    const { rows } = await identity({ '/usr/lib/os-release': debianOsRelease });
    expect(rows[0]).toMatchObject({ id: 'debian', source: '/usr/lib/os-release' });
  });

  it('fills a partial os-release from the same distribution (Debian testing: no VERSION_ID)', async () => {
    const testing = 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n';
    const { rows } = await identity({ '/etc/os-release': testing, '/etc/debian_version': FILES.sid });
    expect(rows[0]).toMatchObject({ id: 'debian', pretty_name: 'Debian GNU/Linux trixie/sid', version: 'trixie/sid', version_id: '', version_codename: 'trixie', source: '/etc/os-release,/etc/debian_version' });
  });

  it('fills an os-release that has only a VERSION_ID', async () => {
    const { rows } = await identity({ '/etc/os-release': 'VERSION_ID=2\n', '/etc/system-release': FILES.amazon2 });
    expect(rows[0]).toMatchObject({ id: 'amzn', name: 'Amazon Linux', version_id: '2', source: '/etc/os-release,/etc/system-release' });
  });

  it('never mixes in another distribution', async () => {
    const arch = 'NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n';
    const { rows } = await identity({ '/etc/os-release': arch, '/etc/debian_version': FILES.debian });
    expect(rows[0]).toMatchObject({ id: 'arch', name: 'Arch Linux', version: '', version_id: '', build_id: 'rolling', source: '/etc/os-release' });
  });

  it('fails on an os-release without one KEY=value line, and on one without ID or NAME and nothing to fill them', async () => {
    const garbage = await collectOnce(osRelease, hostRoot({ '/etc/os-release': '\xff\xfe garbage\n', '/etc/debian_version': FILES.debian }));
    expect(garbage.state.lastError).toBe('/etc/os-release: no KEY=value line, not an os-release file');
    const nameless = await collectOnce(osRelease, hostRoot({ '/etc/os-release': 'VERSION_ID=1\n' }));
    expect(nameless.state.lastError).toBe('/etc/os-release: neither ID nor NAME is set');
  });

  it('refuses identity files larger than 64 KiB', async () => {
    const { state } = await collectOnce(osRelease, hostRoot({ '/etc/redhat-release': 'x'.repeat(70_000) }));
    expect(state.lastError).toMatch(/^\/etc\/redhat-release: file too large/);
  });
});
