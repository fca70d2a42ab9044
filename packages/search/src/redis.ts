import { SearchError } from "./errors.js";

/** ioredis connection options, as BullMQ takes them. */
export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  /** BullMQ requires null for its blocking connections. */
  maxRetriesPerRequest: null;
}

/** Reads `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) into connection options. */
export function parseRedisUrl(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SearchError("SEARCH_BAD_REDIS_URL", `redis: expected a URL like redis://127.0.0.1:6379; received ${JSON.stringify(url)}.`, { expected: "redis://host:port", received: url });
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new SearchError("SEARCH_BAD_REDIS_URL", `redis: expected a redis:// or rediss:// URL; received ${JSON.stringify(url)}.`, { expected: "redis:// or rediss://", received: url });
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) {
    throw new SearchError("SEARCH_BAD_REDIS_URL", `redis: the database in ${JSON.stringify(url)} must be a whole number; received ${JSON.stringify(u.pathname.slice(1))}.`, { received: url });
  }
  return {
    host: u.hostname,
    port: u.port === "" ? 6379 : Number(u.port),
    ...(u.username === "" ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === "" ? {} : { password: decodeURIComponent(u.password) }),
    ...(db === undefined ? {} : { db }),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
