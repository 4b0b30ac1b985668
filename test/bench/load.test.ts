import { describe, expect, it } from 'vitest';
import { fixedRate, type Answer } from '../../bench/load.ts';

// The load behind the latency figures: a latency is never shorter than the request took, and a
// generator that falls behind its schedule counts the lag against the requests it delayed.

/** Answers `ms` after it is asked, by the clock (not by a timer, which may fire early). */
function answerAfter(ms: number): Promise<Answer> {
  const until = performance.now() + ms;
  return new Promise((resolve) => {
    const poll = () => (performance.now() >= until ? resolve({ status: 200, body: '' }) : setImmediate(poll));
    poll();
  });
}

describe('requests at a fixed rate', () => {
  it('measures no request as shorter than it took, though timers fire before their time', async () => {
    const { latencies, errors } = await fixedRate({ rate: 200, seconds: 1, request: () => answerAfter(2) });
    expect(errors).toBe(0);
    expect(latencies).toHaveLength(200);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(2);
  });

  it('counts the time a request waited behind a stalled generator, from its scheduled time', async () => {
    const sent: number[] = [];
    const started = performance.now();
    const { latencies } = await fixedRate({
      rate: 100,
      seconds: 0.1,
      request: (i) => {
        sent.push(performance.now() - started);
        // The first request holds the generator for 50 ms: the next four are sent late.
        if (i === 0) while (performance.now() - started < 50);
        return answerAfter(1);
      },
    });
    expect(sent[1]).toBeGreaterThanOrEqual(50);
    // Requests 1–3 were due at 10, 20 and 30 ms and sent at 50 ms or later: each latency holds
    // that wait (measured from when they were sent, only the stalling request's would be long).
    expect(latencies.filter((ms) => ms >= 15).length).toBeGreaterThanOrEqual(4);
  });
});
