import { Router } from 'express';
import { z } from 'zod';
import { ByToken, type BillLinks, type BillView, type PaymentLinks, type RouteKit } from '../core/index.ts';
import { renderBillPage } from './bill-page.ts';

/** The page's scripts and styles: inline styles only, forms to this site only. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The bill's personal link: its page, its PDF, and paying it. Every request checks the link;
 * opening it records the contact in the bill's journey, and paying continues that journey.
 */
export function createBillRoutes(options: {
  billLinks: BillLinks;
  paymentLinks: Pick<PaymentLinks, 'issue'>;
  /** The printed bill, as the communication's PDF. */
  document: (view: BillView, pageUrl: string) => Promise<Buffer>;
}): Router {
  const { billLinks } = options;
  const router = Router();
  const base = (token: string) => `/b/${encodeURIComponent(token)}`;

  router.get('/b/:token', async (req, res) => {
    const page = await billLinks.open(req.params.token);
    const self = base(req.params.token);
    res
      .setHeader('Content-Security-Policy', PAGE_POLICY)
      .setHeader('Referrer-Policy', 'no-referrer')
      .type('html')
      .send(renderBillPage(page, { pdf: `${self}/bill.pdf`, pay: `${self}/pay` }));
  });

  router.get('/b/:token/bill.pdf', async (req, res) => {
    const page = await billLinks.open(req.params.token);
    const pdf = await options.document(page, billLinks.url(page.communication));
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `inline; filename="${page.bill.number.replace(/[^\w.-]/g, '_')}.pdf"`)
      .send(pdf);
  });

  router.post('/b/:token/pay', async (req, res) => {
    const page = await billLinks.open(req.params.token);
    const url = options.paymentLinks.issue({
      customerId: page.communication.customerId,
      fromInteractionId: page.opening.id,
    });
    res.redirect(303, url);
  });

  return router;
}

/** The bill's personal link in the API document: pages a customer opens, no login. */
export function describeBillRoutes(kit: RouteKit): void {
  const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
  const common = { tags: ['customer links'], security: [], requestParams: { path: ByToken } };
  kit.describe('get', '/b/{token}', {
    summary:
      'The page behind a bill’s personal link: the bill, what changed, the usage of 13 months; opening it joins the bill’s journey',
    ...common,
    responses: { 200: page('The bill’s page') },
  });
  kit.describe('get', '/b/{token}/bill.pdf', {
    summary: 'The bill as a PDF, with its payment QR code and the QR code of its page',
    ...common,
    responses: { 200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string() } } } },
  });
  kit.describe('post', '/b/{token}/pay', {
    summary: 'Pay the bill: to the payment page, continuing the bill’s journey',
    ...common,
    responses: { 303: { description: 'To the payment page' } },
  });
}
