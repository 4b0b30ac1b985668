import cliProgress from 'cli-progress';

/** Progress bars on a terminal, one per phase; a line per finished phase otherwise (logs, CI). */
export function createProgress() {
  if (!process.stdout.isTTY) {
    const finished = new Set<string>();
    return {
      report(phase: string, done: number, total: number) {
        if (done !== total || finished.has(phase)) return;
        finished.add(phase);
        console.log(`  ${phase} done`);
      },
      stop() {},
    };
  }
  const bars = new cliProgress.MultiBar(
    { format: ' {phase} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const phases = new Map<string, cliProgress.SingleBar>();
  return {
    report(phase: string, done: number, total: number) {
      let bar = phases.get(phase);
      if (!bar) {
        bar = bars.create(total, 0, { phase: phase.padEnd(12) });
        phases.set(phase, bar);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => bars.stop(),
  };
}
