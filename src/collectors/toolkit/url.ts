/** URL handling shared by collector areas (package sources, fstab devices). */

/** Query parameters whose values are credentials (Artifactory/Nexus/S3 style URLs). */
const SECRET_PARAM = /token|secret|passw|pwd|auth|key|sig|credential/i;

/**
 * A URL as it may leave the host: `user:password@` (or a bare `token@`) removed and the
 * values of secret-looking query parameters replaced. Works on strings that are not
 * WHATWG URLs too (`cdrom:[…]/`, `mirror+file:/…`, `$releasever` placeholders).
 */
export function sanitizeUrl(raw: string): string {
  let url = raw.trim();
  // userinfo: everything between "//" and the last "@" of the authority
  url = url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*@)/, '$1');
  const q = url.indexOf('?');
  if (q >= 0) {
    const hashAt = url.indexOf('#', q);
    const query = url.slice(q + 1, hashAt >= 0 ? hashAt : undefined);
    const cleaned = query
      .split('&')
      .map((p) => {
        const eq = p.indexOf('=');
        return eq > 0 && SECRET_PARAM.test(p.slice(0, eq)) ? `${p.slice(0, eq)}=REDACTED` : p;
      })
      .join('&');
    url = url.slice(0, q + 1) + cleaned + (hashAt >= 0 ? url.slice(hashAt) : '');
  }
  return url;
}
