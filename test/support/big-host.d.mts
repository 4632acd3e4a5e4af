/** A host root with `users` passwd accounts (`homes` of them with a home directory) and `pids` fake processes. */
export function buildBigHost(o: { users: number; pids: number; homes?: number; dir?: string }): string;
