// A short-lived memory of answers a channel asks for on every turn of a conversation.

/** How long a per-turn answer is reused, and how many are kept at most. */
export interface ExpiringCacheOptions {
  /** Milliseconds an answer is reused after it was looked up (5 s by default); 0 turns the cache off. */
  ttlMs?: number;
  /** Answers kept at most (10,000 by default); past that the oldest go first. */
  maxEntries?: number;
  /** A monotonic clock in milliseconds (`performance.now` by default); tests pass their own. */
  now?: () => number;
}

export const DEFAULT_TURN_CACHE_MS = 5_000;
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * A small map of looked-up answers that each expire a fixed time after the lookup (reading an
 * entry does not extend it) and that holds a bounded number of them, dropping the oldest first.
 * Lookups of one key that overlap share one call; a failed lookup is not kept.
 */
export function createExpiringCache<V>(options: ExpiringCacheOptions = {}) {
  const ttlMs = options.ttlMs ?? DEFAULT_TURN_CACHE_MS;
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const now = options.now ?? (() => performance.now());
  // Insertion order is lookup order: the first entry is always the oldest.
  const entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  function dropExpired(at: number): void {
    for (const [key, entry] of entries) {
      if (entry.expiresAt > at) break;
      entries.delete(key);
    }
  }

  return {
    /**
     * The answer for `key`: the one looked up less than `ttlMs` ago, or `look()`'s. An answer
     * `keep` refuses (a customer not linked yet, say) is returned but not reused.
     */
    get(key: string, look: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
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
      const forget = () => {
        if (entries.get(key) === entry) entries.delete(key);
      };
      value.then((v) => (keep(v) ? undefined : forget()), forget);
      return value;
    },
    /** Forgets one answer, or every answer: the next lookup asks again. */
    forget(key?: string): void {
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
    get size(): number {
      return entries.size;
    },
  };
}
