import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import {
  ChannelPilotError,
  FORM_PAGE_REFERRER_POLICY,
  formFromOtherSite,
  REFERENCE_ZONE,
  type AccountKind,
  type BillStatus,
  type Locale,
  type PageKit,
} from '../../core/index.ts';
import { type PaymentLinks, type PaymentPage } from '../../core/services.ts';
import { html, raw, type Html } from './html.ts';
import { STYLES } from './styles.ts';

/** What the holder of a payment link may see as JSON: what is owed, and nothing of the records behind it. */
export const publicPaymentPage = ({ firstName, locale, balance, bills }: PaymentPage) => ({
  firstName,
  locale,
  balance,
  bills,
});

const texts: Record<
  Locale,
  {
    title: string;
    hello: (name: string) => string;
    intro: string;
    columns: [string, string, string, string, string];
    kinds: Record<AccountKind, string>;
    status: Partial<Record<BillStatus, string>>;
    total: string;
    pay: (amount: string) => string;
    payNote: string;
    paid: string;
    nothing: string;
    invalid: { title: string; body: string };
    otherSite: { title: string; body: string };
  }
> = {
  'it-IT': {
    title: 'Paga le tue bollette',
    hello: (name) => `Ciao ${name},`,
    intro: 'ecco le bollette ancora da pagare.',
    columns: ['Fornitura', 'Periodo', 'Importo', 'Scadenza', 'Stato'],
    kinds: { electricity: 'Luce', gas: 'Gas', water: 'Acqua', telecom: 'Telefono', broadband: 'Internet' },
    status: { overdue: 'Scaduta', unpaid: 'Da pagare', partially_paid: 'Pagata in parte' },
    total: 'Totale da pagare',
    pay: (amount) => `Paga ${amount}`,
    payNote: 'Il pagamento avviene sulla pagina sicura del nostro fornitore di pagamenti.',
    paid: 'Pagamento ricevuto: grazie!',
    nothing: 'Non hai bollette da pagare.',
    invalid: {
      title: 'Link non valido',
      body: 'Questo link di pagamento non è valido o è scaduto. Chiedine uno nuovo al servizio clienti.',
    },
    otherSite: {
      title: 'Richiesta non accettata',
      body: 'Il pagamento è stato chiesto da un altro sito. Apri il link di pagamento e paga da quella pagina.',
    },
  },
  'en-US': {
    title: 'Pay your bills',
    hello: (name) => `Hi ${name},`,
    intro: 'here are the bills still to pay.',
    columns: ['Supply', 'Period', 'Amount', 'Due', 'Status'],
    kinds: {
      electricity: 'Electricity',
      gas: 'Gas',
      water: 'Water',
      telecom: 'Phone',
      broadband: 'Internet',
    },
    status: { overdue: 'Overdue', unpaid: 'To pay', partially_paid: 'Partly paid' },
    total: 'Total to pay',
    pay: (amount) => `Pay ${amount}`,
    payNote: 'You pay on the secure page of our payment provider.',
    paid: 'Payment received: thank you!',
    nothing: 'You have no bills to pay.',
    invalid: {
      title: 'Link not valid',
      body: 'This payment link is not valid or has expired. Ask customer service for a new one.',
    },
    otherSite: {
      title: 'Request not accepted',
      body: 'The payment was asked for from another site. Open the payment link and pay from its page.',
    },
  },
};

export const formatEuros = (locale: Locale, cents: number) =>
  new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(cents / 100);
const formatDay = (locale: Locale, iso: string) =>
  DateTime.fromISO(iso, { zone: REFERENCE_ZONE }).setLocale(locale).toLocaleString(DateTime.DATE_MED);

/**
 * A page of its own for a customer who arrives from a message: their language, no staff
 * navigation; `after` goes at the end of the body (the widgets opened as the page's customer).
 */
export function customerDocument(
  locale: Locale,
  title: string,
  body: Html,
  after: Html | string = '',
): string {
  return html`<!doctype html>
    <html lang="${locale.slice(0, 2)}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${raw(STYLES)}
        </style>
      </head>
      <body>
        <main id="main">${body}</main>
        ${after}
      </body>
    </html>`.value;
}

/**
 * Headers of a page opened with a credential in its address: not cached, its address sent as a
 * referrer to no other site (its own forms keep their origin); `allow` adds policy directives
 * (the widgets' scripts and connections).
 */
export function credentialPageHeaders(res: Response, allow: readonly string[] = []): void {
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      ...allow,
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', FORM_PAGE_REFERRER_POLICY);
  res.setHeader('Cache-Control', 'no-store');
}

/** Whether the request asks for JSON rather than a page: its `Accept` prefers JSON. */
export const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
/** Whether the request asks for a page rather than JSON: its `Accept` prefers HTML (a browser's does). */
export const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

/**
 * `/pay/:token`, the page behind a payment link: what is owed bill by bill (supply, period,
 * amount, due date) and a button that pays through the payment provider. JSON when the request
 * asks for JSON.
 */
export function createPaymentPages(options: {
  paymentLinks: PaymentLinks;
  publicUrl: string;
  /** The widgets channels offer on customer pages (the live chat), opened as the link's customer. */
  kit: Pick<PageKit, 'visitWidgets' | 'widgetPolicy'>;
}): Router {
  const { paymentLinks, kit } = options;
  const router = Router();

  router.get('/pay/:token', async (req, res) => {
    credentialPageHeaders(res);
    let opened: PaymentPage;
    try {
      opened = await paymentLinks.open(req.params.token);
    } catch (error) {
      if (!(error instanceof ChannelPilotError) || wantsJson(req)) throw error;
      invalidLink(res, error);
      return;
    }
    if (wantsJson(req)) {
      res.json(publicPaymentPage(opened));
      return;
    }
    // The chat opens as the link's customer, on the payment page, in the journey the link continues.
    const widgets = kit.visitWidgets(
      { customerId: opened.customerId, touchpoint: 'payment_page', contactId: opened.opening.id },
      opened.locale,
    );
    credentialPageHeaders(res, kit.widgetPolicy());
    res.type('html').send(page(opened, req.params.token, req.query.paid !== undefined, raw(widgets.value)));
  });

  router.post('/pay/:token/checkout', async (req, res) => {
    // Another site's page may not send the customer to pay.
    if (formFromOtherSite(req, options.publicUrl)) {
      const refused = new ChannelPilotError(
        'forbidden',
        'the payment was asked for from another site’s page',
        {
          hint: 'open the payment link and use its page',
        },
      );
      if (wantsJson(req)) throw refused;
      bothLanguages(res.status(403), 'otherSite');
      return;
    }
    const token = req.params.token;
    const here = `${options.publicUrl}/pay/${encodeURIComponent(token)}`;
    try {
      const { url } = await paymentLinks.checkout(token, `${here}?paid`);
      res.redirect(303, url);
    } catch (error) {
      if (!(error instanceof ChannelPilotError)) throw error;
      // Paid meanwhile: the page says there is nothing left to pay.
      if (error.code === 'conflict') res.redirect(303, here);
      else if (error.code === 'unavailable') throw error;
      else invalidLink(res, error);
    }
  });

  return router;
}

/** The page for a link that opens nothing: in both languages, since nothing says whose it was. */
function invalidLink(res: Response, error: ChannelPilotError): void {
  bothLanguages(res.status(error.code === 'not_found' ? 404 : 401), 'invalid');
}

/** A refusal in both languages, for a request whose link was not opened. */
function bothLanguages(res: Response, refusal: 'invalid' | 'otherSite'): void {
  credentialPageHeaders(res);
  const both = (['it-IT', 'en-US'] as const).map(
    (locale) =>
      html`<h1 lang="${locale}">${texts[locale][refusal].title}</h1>
        <p lang="${locale}">${texts[locale][refusal].body}</p>`,
  );
  res.type('html').send(customerDocument('it-IT', texts['it-IT'][refusal].title, html`${both}`));
}

function page(opened: PaymentPage, token: string, returned: boolean, widgets: Html): string {
  const { locale, balance, bills } = opened;
  const t = texts[locale];
  const money = (cents: number) => formatEuros(locale, cents);
  const rows = bills.map(
    (b) =>
      html`<tr>
        <th scope="row">${t.kinds[b.supply.kind]}<br /><span class="note">${b.supply.street}</span></th>
        <td>${formatDay(locale, b.periodStart)} – ${formatDay(locale, b.periodEnd)}</td>
        <td class="amount">${money(b.amountCents - b.paidCents)}</td>
        <td>${formatDay(locale, b.dueOn)}</td>
        <td>${t.status[b.status] ?? ''}</td>
      </tr>`,
  );
  const body =
    balance.owedCents <= 0
      ? html`<h1>${t.title}</h1>
          ${returned ? html`<p class="banner info" role="status" id="paid">${t.paid}</p>` : ''}
          <section class="panel"><p>${t.nothing}</p></section>`
      : html`<h1>${t.title}</h1>
          <section class="panel">
            <p>${t.hello(opened.firstName)} ${t.intro}</p>
            <div class="table-wrap">
              <table id="bills" class="textual">
                <thead>
                  <tr>
                    ${t.columns.map((c) => html`<th scope="col">${c}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </div>
            <p id="total"><strong>${t.total}: ${money(balance.owedCents)}</strong></p>
            <form method="post" action="/pay/${encodeURIComponent(token)}/checkout">
              <button class="primary" type="submit" id="pay">${t.pay(money(balance.owedCents))}</button>
            </form>
            <p class="note">${t.payNote}</p>
          </section>`;
  return customerDocument(locale, t.title, body, widgets);
}
