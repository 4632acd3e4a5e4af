import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type AuthOutcome = 'ok' | 'denied' | 'busy';

export interface BasicAuthOptions {
  /** bcrypt comparisons running at once (worker threads). */
  workers?: number;
  /** Comparisons that may wait for a worker; more are answered `busy` at once. */
  maxQueue?: number;
  /** Workers exit after this long without work, so an idle exporter holds none. */
  idleMs?: number;
}

/** The bcrypt cost of a hash such as `$2y$12$…`. */
export function bcryptCost(hash: string): number {
  return Number(/^\$2[abxy]?\$(\d\d)\$/.exec(hash)?.[1] ?? 10);
}

const BCRYPT_B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A well-formed bcrypt hash of the given cost that no password matches in practice. */
function dummyHash(cost: number): string {
  const chars = [...randomBytes(53)].map((b) => BCRYPT_B64[b % 64]).join('');
  return `$2b$${String(cost).padStart(2, '0')}$${chars}`;
}

// The worker is plain CommonJS evaluated in place, so it runs the same from src/ and dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcrypt);
parentPort.on('message', (m) => {
  let ok = false;
  try { ok = bcrypt.compareSync(m.pass, m.hash); } catch { ok = false; }
  parentPort.postMessage({ id: m.id, ok });
});
`;

interface Job {
  id: number;
  pass: string;
  hash: string;
  resolve: (ok: boolean) => void;
}

/** A small pool of worker threads running bcrypt, with a bounded queue. */
class BcryptPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private readonly bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly size: number,
    private readonly maxQueue: number,
    private readonly idleMs: number,
  ) {}

  /** Resolves with the comparison, or null at once when the queue is full. */
  compare(pass: string, hash: string): Promise<boolean> | null {
    if (this.queue.length >= this.maxQueue) return null;
    return new Promise<boolean>((resolve) => {
      this.queue.push({ id: this.nextId++, pass, hash, resolve });
      this.pump();
    });
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bcrypt: this.bcryptPath },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    w.unref();
    w.on('message', (m: { id: number; ok: boolean }) => {
      const job = this.busy.get(w);
      this.busy.delete(w);
      if (job && job.id === m.id) job.resolve(m.ok);
      this.idle.push(w);
      this.pump();
    });
    w.on('error', () => this.lose(w));
    w.on('exit', () => this.lose(w));
    return w;
  }

  /** A worker that died fails its job (denied) and leaves the pool. */
  private lose(w: Worker): void {
    const job = this.busy.get(w);
    this.busy.delete(w);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    job?.resolve(false);
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let w = this.idle.pop();
      if (!w && this.busy.size < this.size) w = this.spawn();
      if (!w) break;
      const job = this.queue.shift()!;
      this.busy.set(w, job);
      w.postMessage({ id: job.id, pass: job.pass, hash: job.hash });
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.busy.size === 0 && this.queue.length === 0 && this.idle.length > 0) {
      this.idleTimer = setTimeout(() => this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  close(): void {
    for (const w of this.idle.splice(0)) void w.terminate();
  }
}

/**
 * Checks HTTP basic credentials against bcrypt hashes, as exporter-toolkit does, without
 * blocking the event loop: bcrypt runs on a bounded worker pool, and when its queue is
 * full the answer is `busy` at once. Successful checks are remembered, keyed by a SHA-256
 * of user, password and hash (never the password itself), so scrapes skip bcrypt. An
 * unknown user is compared against a dummy hash of the same cost as a configured one,
 * so the answer takes as long as for a known user.
 */
export function basicAuthVerifier(users: Map<string, string>, opts: BasicAuthOptions = {}): (header: string | undefined) => AuthOutcome | Promise<AuthOutcome> {
  const pool = new BcryptPool(opts.workers ?? 1, opts.maxQueue ?? 8, opts.idleMs ?? 60_000);
  const costs = [...users.values()].map(bcryptCost);
  const dummies = new Map(costs.map((c) => [c, dummyHash(c)]));
  const good = new Set<string>();
  return (header) => {
    if (!header?.startsWith('Basic ')) return 'denied';
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'denied';
    const user = decoded.slice(0, colon);
    const pass = decoded.slice(colon + 1);
    const known = users.get(user);
    // An unknown user gets the cost of a configured user picked by its name: same work, same time.
    const pick = createHash('sha256').update(user).digest().readUInt32BE(0) % Math.max(1, costs.length);
    const hash = known ?? dummies.get(costs[pick] ?? 10) ?? dummyHash(10);
    const key = createHash('sha256').update(user).update('\0').update(pass).update('\0').update(hash).digest('hex');
    if (known !== undefined && good.has(key)) return 'ok';
    const pending = pool.compare(pass, hash);
    if (!pending) return 'busy';
    return pending.then((ok) => {
      if (!ok || known === undefined) return 'denied';
      if (good.size >= 1000) good.clear();
      good.add(key);
      return 'ok';
    });
  };
}
