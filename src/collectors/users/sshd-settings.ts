/** An sshd_config keyword worth a baseline: OpenSSH's default and what makes a value risky. */
export interface SshdSetting {
  name: string;
  /** OpenSSH 9.x default (sshd_config(5)). */
  default: string;
  /** Other spellings of the same setting (deprecated aliases). */
  aliases?: string[];
  risky?: (value: string) => boolean;
}

const WEAK_CIPHERS = /(^|,)(3des-cbc|aes(128|192|256)-cbc|blowfish-cbc|cast128-cbc|arcfour[0-9]*|rijndael-cbc@lysator\.liu\.se)(,|$)/;
const WEAK_MACS = /(^|,)(hmac-md5[^,]*|hmac-sha1-96[^,]*|hmac-ripemd160[^,]*|umac-64(-etm)?@openssh\.com)(,|$)/;
const WEAK_KEX = /(^|,)(diffie-hellman-group1-sha1|diffie-hellman-group-exchange-sha1|gss-gex-sha1-[^,]*|gss-group1-sha1-[^,]*)(,|$)/;

const yes = (v: string) => v === 'yes';

/** Values of a crypto list with a "+" (append to defaults) or "^" prefix still add what follows. */
function listed(re: RegExp) {
  return (v: string) => re.test(v.replace(/^[+^-]/, '')) && !v.startsWith('-');
}

export const SSHD_SETTINGS: SshdSetting[] = [
  { name: 'PermitRootLogin', default: 'prohibit-password', risky: yes },
  { name: 'PasswordAuthentication', default: 'yes', risky: yes },
  { name: 'PermitEmptyPasswords', default: 'no', risky: yes },
  { name: 'PubkeyAuthentication', default: 'yes' },
  { name: 'KbdInteractiveAuthentication', default: 'yes', aliases: ['ChallengeResponseAuthentication'] },
  { name: 'HostbasedAuthentication', default: 'no', risky: yes },
  { name: 'IgnoreRhosts', default: 'yes', risky: (v) => v === 'no' },
  { name: 'StrictModes', default: 'yes', risky: (v) => v === 'no' },
  { name: 'UsePAM', default: 'no' },
  { name: 'X11Forwarding', default: 'no', risky: yes },
  { name: 'AllowTcpForwarding', default: 'yes' },
  { name: 'AllowAgentForwarding', default: 'yes' },
  { name: 'GatewayPorts', default: 'no', risky: (v) => v !== 'no' },
  { name: 'PermitTunnel', default: 'no' },
  { name: 'PermitUserEnvironment', default: 'no', risky: (v) => v !== 'no' },
  { name: 'MaxAuthTries', default: '6', risky: (v) => Number(v) > 6 },
  { name: 'LoginGraceTime', default: '120' },
  { name: 'ClientAliveInterval', default: '0' },
  { name: 'LogLevel', default: 'INFO' },
  { name: 'Port', default: '22' },
  { name: 'Protocol', default: '2', risky: (v) => v.split(',').includes('1') },
  { name: 'Ciphers', default: 'default', risky: listed(WEAK_CIPHERS) },
  { name: 'MACs', default: 'default', risky: listed(WEAK_MACS) },
  { name: 'KexAlgorithms', default: 'default', risky: listed(WEAK_KEX) },
  { name: 'AuthorizedKeysFile', default: '.ssh/authorized_keys .ssh/authorized_keys2' },
  { name: 'AuthorizedKeysCommand', default: 'none' },
  { name: 'AllowUsers', default: '' },
  { name: 'AllowGroups', default: '' },
  { name: 'DenyUsers', default: '' },
  { name: 'DenyGroups', default: '' },
];

/** Yes/no style keywords compare case-insensitively; lists and paths keep their case. */
export function normalizeValue(setting: SshdSetting, args: string[]): string {
  const v = args.join(' ');
  return /^(yes|no|without-password|prohibit-password|forced-commands-only|all|local|remote|clientspecified|point-to-point|ethernet)$/i.test(v)
    ? v.toLowerCase().replace('without-password', 'prohibit-password')
    : setting.name === 'Ciphers' || setting.name === 'MACs' || setting.name === 'KexAlgorithms'
      ? v.toLowerCase()
      : v;
}
