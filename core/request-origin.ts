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

/**
 * The `Referrer-Policy` of a customer page whose forms post back to it (a consultation's link
 * pages, a bill's page): its address, a credential, goes to no other site, while the page's own
 * forms keep their `Origin`. Under `no-referrer` a browser sends them with `Origin: null`, which
 * {@link formFromOtherSite} could not tell from another site's.
 */
export const FORM_PAGE_REFERRER_POLICY = 'same-origin';

/**
 * The check of a customer page's form: whether a browser posted it from another site's page
 * (see {@link fromThisSite}). Its page sends {@link FORM_PAGE_REFERRER_POLICY}.
 */
export function formFromOtherSite(
  request: { headers: { origin?: string | undefined; host?: string | undefined } },
  publicUrl: string,
): boolean {
  return !fromThisSite(request.headers.origin, request.headers.host, publicUrl);
}
