// How long voice turns waited to reach the interaction log, read from the app's own metrics
// (`channel_pilot_voice_turn_log_delay_seconds`) before and after a window.

/** The token the bench's app serves /metrics with. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789abcdef';

/** The histogram's cumulative counts by upper bound (seconds, Infinity last), and its sum. */
interface DelayReading {
  buckets: [number, number][];
  sum: number;
}

async function readTurnLogDelays(baseUrl: string): Promise<DelayReading> {
  const res = await fetch(`${baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
  });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const name = 'channel_pilot_voice_turn_log_delay_seconds';
  const buckets: [number, number][] = [];
  for (const [, le, n] of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm')))
    buckets.push([le === '+Inf' ? Infinity : Number(le), Number(n)]);
  const sum = Number(new RegExp(`^${name}_sum (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { buckets, sum };
}

/**
 * The turns stored between two readings: how many, their mean wait, the bucket their 99th
 * percentile falls in, and how many waited over a second.
 */
function describeDelays(before: DelayReading, after: DelayReading): string {
  const counts = after.buckets.map(([le, n], i) => [le, n - (before.buckets[i]?.[1] ?? 0)] as const);
  const total = counts.at(-1)?.[1] ?? 0;
  if (total === 0) return 'no voice turn stored';
  const p99 = counts.find(([, n]) => n >= total * 0.99)?.[0] ?? Infinity;
  const underSecond = counts.find(([le]) => le === 1)?.[1] ?? 0;
  const mean = (after.sum - before.sum) / total;
  return (
    `${total} voice turns stored, ${(mean * 1000).toFixed(0)} ms after their answer on average, ` +
    `p99 ${p99 === Infinity ? 'over 60 s' : `≤ ${p99} s`}, ${total - underSecond} over 1 s`
  );
}

/** Reads the histogram now; the function returned describes the turns stored since. */
export async function turnLogWaitsFrom(baseUrl: string): Promise<() => Promise<string>> {
  const before = await readTurnLogDelays(baseUrl);
  return async () => describeDelays(before, await readTurnLogDelays(baseUrl));
}
