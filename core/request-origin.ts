/**
 * Whether a browser's request comes from this site's own pages: the `Origin` it carries names
 * the host it was sent to. One without an `Origin` (not sent by a browser's page) passes; what
 * such a request may do rests on its credentials alone.
 */
export function fromThisSite(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
