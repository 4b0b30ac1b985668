/**
 * Whether a browser's request comes from this site's own pages: the `Origin` it carries names
 * the host it was sent to, or the host of the site's public address (a proxy in front may send
 * the request on under a `Host` of its own). One without an `Origin` (not sent by a browser's
 * page) passes; what such a request may do rests on its credentials alone.
 */
export function fromThisSite(
  origin: string | undefined,
  host: string | undefined,
  publicUrl: string,
): boolean {
  if (!origin) return true;
  try {
    const from = new URL(origin).host;
    return from === host || from === new URL(publicUrl).host;
  } catch {
    return false;
  }
}
