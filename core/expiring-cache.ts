// A memory of answers a channel asks for on every turn of a conversation.
import type { Broadcast } from './broadcast.ts';

/** How long a per-turn answer is reused, and how many are kept at most. */
export interface ExpiringCacheOptions {
  /**
   * Milliseconds an answer is reused after it was looked up: 5 s by default, or 60 s while
   * `told` hears of every change; 0 turns the cache off.
   */
  ttlMs?: number;
  /**
   * Where this instance hears that answers changed, and this cache's topic there: each payload
   * told is a JSON key to forget, or null for every answer (the database tells of the changes
   * that matter, whoever makes them). While this instance does not hear what is told (its
   * connection is down), answers are kept 5 s at most, and a gap in it forgets every answer.
   */
  told?: { broadcast: Broadcast; topic: string };
  /** Answers kept at most (10,000 by default); past that the oldest go first. */
  maxEntries?: number;
  /** A monotonic clock in milliseconds (`performance.now` by default); tests pass their own. */
  now?: () => number;
}

export const DEFAULT_TURN_CACHE_MS = 5_000;
/** How long an answer is reused while this instance hears of every change to it. */
export const TOLD_TURN_CACHE_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * A small map of looked-up answers that each expire a fixed time after the lookup (reading an
 * entry does not extend it) and that holds a bounded number of them, dropping the oldest first.
 * Lookups of one key that overlap share one call; a failed lookup is not kept. With `told`, a
 * change told forgets its answer, a lookup under way included (the lookup's answer is not kept).
 */
export function createExpiringCache<V>(options: ExpiringCacheOptions = {}) {
  const { told } = options;
  const longest = options.ttlMs ?? (told ? TOLD_TURN_CACHE_MS : DEFAULT_TURN_CACHE_MS);
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const now = options.now ?? (() => performance.now());
  // Insertion order is lookup order: the first entry is the oldest, and unless the time an answer
  // is kept changed in between (a gap in what is told), the first to expire.
  const entries = new Map<string, { value: Promise<V>; expiresAt: number }>();
  let subscribed = false;

  /** How long an answer looked up now is kept; the first asks to hear of changes. */
  function ttlNow(): number {
    if (!told) return longest;
    if (!subscribed) {
      subscribed = true;
      told.broadcast.subscribe(told.topic, (payload) => forget(keyOf(payload)));
      told.broadcast.onGap(() => forget());
    }
    return told.broadcast.listening() ? longest : Math.min(longest, DEFAULT_TURN_CACHE_MS);
  }

  function dropExpired(at: number): void {
    for (const [key, entry] of entries) {
      if (entry.expiresAt > at) break;
      entries.delete(key);
    }
  }

  function forget(key?: string): void {
    if (key === undefined) entries.clear();
    else entries.delete(key);
  }

  return {
    /**
     * The answer for `key`: the one looked up less than the time answers are kept ago, or
     * `look()`'s. An answer `keep` refuses (a customer not linked yet, say) is returned but not reused.
     */
    get(key: string, look: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
      const ttlMs = ttlNow();
      if (ttlMs <= 0) return look();
      const at = now();
      const cached = entries.get(key);
      if (cached && cached.expiresAt > at) return cached.value;
      entries.delete(key);
      dropExpired(at);
      const value = look();
      const entry = { value, expiresAt: at + ttlMs };
      entries.set(key, entry);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      const drop = () => {
        if (entries.get(key) === entry) entries.delete(key);
      };
      value.then((v) => (keep(v) ? undefined : drop()), drop);
      return value;
    },
    /** Forgets one answer, or every answer: the next lookup asks again. */
    forget,
    get size(): number {
      return entries.size;
    },
  };
}

/** The key a told payload names: a string, or undefined (every key) for null or anything unreadable. */
function keyOf(payload: string): string | undefined {
  try {
    const key: unknown = JSON.parse(payload);
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}
