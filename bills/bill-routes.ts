import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import {
  ByToken,
  ChannelPilotError,
  FORM_PAGE_REFERRER_POLICY,
  formFromOtherSite,
  ProblemSchema,
  type PageKit,
  type RouteKit,
} from '../core/index.ts';
import {
  BillBookingInput,
  PaperlessInput,
  type BillLinks,
  type BillPageActions,
  type BillView,
  type PaymentLinks,
} from '../core/services.ts';
import { renderBillPage } from './bill-page.ts';
import { billRefusals } from './bill-refusals.ts';
import { bookedPage, linkingCodePage, paperlessPage, slotsPage } from './bill-steps.ts';

/** The page's scripts and styles: inline styles only, forms to this site only. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The bill's personal link: its page, its PDF, paying it, and the steps its buttons lead to
 * (booking a consultation, a code to link the voice assistant, going paperless). Every request
 * checks the link; opening it records the contact in the bill's journey, and every step
 * continues that journey. The page's forms are refused when a browser sends them from another
 * site's page, as the consultation links' pages' are.
 */
export function createBillRoutes(options: {
  billLinks: BillLinks;
  actions: BillPageActions;
  paymentLinks: Pick<PaymentLinks, 'issue'>;
  /** The printed bill, as the communication's PDF. */
  document: (view: BillView, pageUrl: string) => Promise<Buffer>;
  kit: PageKit;
  /** The site's public address: a form must come from one of its pages. */
  publicUrl: string;
}): Router {
  const { billLinks, actions, kit } = options;
  const router = Router();
  const base = (token: string) => `/b/${encodeURIComponent(token)}`;
  const html = (res: Response, markup: string, policy = PAGE_POLICY) =>
    res
      .setHeader('Content-Security-Policy', policy)
      // The link is a credential: sent to no other site. This site's own forms keep their origin.
      .setHeader('Referrer-Policy', FORM_PAGE_REFERRER_POLICY)
      .type('html')
      .send(markup);
  // The page's forms; programs may send the same fields as JSON (malformed JSON is refused as such).
  const fields = express.urlencoded({ extended: false, limit: '4kb' });
  const json = express.json({ limit: '4kb' });
  // Before anything is read or done: another site's page may not pay, book or switch for the customer.
  const fromThisSite: RequestHandler<{ token: string }> = (req, _res, next) =>
    next(
      formFromOtherSite(req, options.publicUrl)
        ? new ChannelPilotError(
            'forbidden',
            'the form was sent from another site’s page, not from the bill’s',
            {
              hint: 'open the bill’s link and use its page',
            },
          )
        : undefined,
    );

  router.get('/b/:token', async (req, res) => {
    const page = await billLinks.open(req.params.token);
    const self = base(req.params.token);
    html(
      res,
      renderBillPage(kit, page, {
        pdf: `${self}/bill.pdf`,
        pay: `${self}/pay`,
        book: `${self}/book`,
        linkingCode: `${self}/linking-code`,
        paperless: `${self}/paperless`,
      }),
      // The chat's widget opens on the bill's page as its customer.
      [PAGE_POLICY, ...kit.widgetPolicy()].join('; '),
    );
  });

  router.get('/b/:token/book', async (req, res) => {
    const { page, slots } = await actions.slots(req.params.token);
    const self = base(req.params.token);
    html(res, slotsPage(kit, page.locale, slots, `${self}/book`, self));
  });

  router.post('/b/:token/book', fromThisSite, fields, json, async (req, res) => {
    const { page, appointment, told, joinUrl } = await actions.book(req.params.token, req.body ?? {});
    html(
      // The page holds the join link: not kept by the browser's cache.
      res.status(201).setHeader('Cache-Control', 'no-store'),
      bookedPage(kit, page.locale, { startsAt: appointment.startsAt, joinUrl, told }, base(req.params.token)),
    );
  });

  router.post('/b/:token/linking-code', fromThisSite, async (req, res) => {
    const { page, code, medium } = await actions.linkingCode(req.params.token);
    html(
      res.setHeader('Cache-Control', 'no-store'),
      linkingCodePage(kit, page.locale, code, medium, base(req.params.token)),
    );
  });

  router.post('/b/:token/paperless', fromThisSite, fields, json, async (req, res) => {
    const { page, already } = await actions.paperless(req.params.token, req.body ?? {});
    html(res, paperlessPage(kit, page.locale, already, base(req.params.token)));
  });

  router.get('/b/:token/bill.pdf', async (req, res) => {
    const page = await billLinks.open(req.params.token);
    const pdf = await options.document(page, billLinks.url(page.communication));
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `inline; filename="${page.bill.number.replace(/[^\w.-]/g, '_')}.pdf"`)
      .send(pdf);
  });

  router.post('/b/:token/pay', fromThisSite, async (req, res) => {
    const page = await billLinks.open(req.params.token);
    const url = options.paymentLinks.issue({
      customerId: page.communication.customerId,
      fromInteractionId: page.opening.id,
    });
    res.redirect(303, url);
  });

  router.use(billRefusals({ billLinks, kit }));
  return router;
}

/** The bill's personal link in the API document: pages a customer opens, no login. */
export function describeBillRoutes(kit: RouteKit): void {
  const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
  // A forged, mangled or expired link, or a bad form: a page in the customer's language for a
  // browser (both languages when the link names no one), problem details for programs.
  const refused = {
    description: 'What went wrong, as a page or as problem details',
    content: { 'text/html': { schema: z.string() }, 'application/problem+json': { schema: ProblemSchema } },
  };
  const common = { tags: ['customer links'], security: [], requestParams: { path: ByToken } };
  kit.describe('get', '/b/{token}', {
    summary:
      'The page behind a bill’s personal link: the bill, what changed, the usage of 13 months; opening it joins the bill’s journey',
    ...common,
    responses: { 200: page('The bill’s page'), '4XX': refused },
  });
  kit.describe('get', '/b/{token}/bill.pdf', {
    summary: 'The bill as a PDF, with its payment QR code and the QR code of its page',
    ...common,
    responses: {
      200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string() } } },
      '4XX': refused,
    },
  });
  kit.describe('post', '/b/{token}/pay', {
    summary: 'Pay the bill: to the payment page, continuing the bill’s journey',
    ...common,
    responses: { 303: { description: 'To the payment page' }, '4XX': refused },
  });
  const formOf = (schema: z.ZodObject) => ({
    required: true,
    content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } },
  });
  kit.describe('get', '/b/{token}/book', {
    summary: 'The first free video consultations about bills, to book from the bill’s page',
    ...common,
    responses: { 200: page('The free times'), '4XX': refused },
  });
  kit.describe('post', '/b/{token}/book', {
    summary:
      'Book a video consultation in the bill’s journey; the confirmation goes out as for every booking',
    ...common,
    requestBody: formOf(BillBookingInput),
    responses: { 201: page('Booked'), '4XX': refused },
  });
  kit.describe('post', '/b/{token}/linking-code', {
    summary: 'A code to link the voice assistant to the customer, shown and sent on their medium',
    ...common,
    responses: { 200: page('The code'), '4XX': refused },
  });
  kit.describe('post', '/b/{token}/paperless', {
    summary:
      'Go paperless: e-mail consented, paper withdrawn, the digital switch recorded in the bill’s journey',
    ...common,
    requestBody: formOf(PaperlessInput),
    responses: { 200: page('Switched'), '4XX': refused },
  });
}
