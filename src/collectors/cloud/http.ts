/** Metadata documents are small; a bigger answer is not a metadata service. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface MetadataResponse {
  status: number;
  body: string;
}

/** A client for one metadata service: base URL, per-request timeout, the collector's abort signal. */
export class MetadataClient {
  requests = 0;
  constructor(
    readonly base: string,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * One request. Transport failures (refused, reset, timed out) throw with the URL named;
   * HTTP errors are returned, since the metadata API answers 401/403/404 for legitimate reasons.
   */
  async request(method: 'GET' | 'PUT', path: string, headers: Record<string, string> = {}): Promise<MetadataResponse> {
    const url = this.base.replace(/\/+$/, '') + path;
    this.requests++;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        redirect: 'manual', // a metadata service never redirects; following one could leave the link-local network
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : e.name === 'AbortError' ? 'aborted' : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new Error(`${method} ${url}: ${reason}`);
    }
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw new Error(`${method} ${url}: answer larger than ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(value);
    }
    return { status: res.status, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** GET that yields the body on 200 and null otherwise (an optional path: tags, IAM role). */
  async text(path: string, headers: Record<string, string> = {}): Promise<string | null> {
    const r = await this.request('GET', path, headers);
    return r.status === 200 ? r.body.trim() : null;
  }
}

/** An HTTP error of a required metadata path: the provider answered, but not with what we need. */
export class MetadataHttpError extends Error {}

export function requireOk(r: MetadataResponse, what: string): string {
  if (r.status !== 200) throw new MetadataHttpError(`${what}: HTTP ${r.status}`);
  return r.body.trim();
}

export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${what}: not JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what}: expected a JSON object`);
  return doc as Record<string, unknown>;
}
