/** Waits until `check` holds, for up to 5 s of the real clock; how long it took. */
export async function until(check: () => boolean | Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > 5_000) throw new Error('not within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}
