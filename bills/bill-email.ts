import mjml2html from 'mjml';
import type { Locale } from '../core/index.ts';
import type { BillView } from '../core/services.ts';
import { relevantOffer, type BillOffer } from './bill-offers.ts';
import { billTexts } from './bill-texts.ts';
import { escapeText as text } from './markup.ts';

/** An e-mail's parts: every e-mail has its plain text; the reactive one has HTML beside it. */
export interface BillEmail {
  subject: string;
  text: string;
  html: string | null;
}

const words = {
  'it-IT': {
    subject: (supply: string, amount: string) => `La tua bolletta ${supply.toLowerCase()}: ${amount}`,
    hello: (name: string) => `Ciao ${name},`,
    ready: (supply: string, period: string) => `la tua bolletta ${supply.toLowerCase()} ${period} è pronta.`,
    attached: 'La trovi in allegato in PDF.',
    pay: 'Paga ora',
    page: 'Vedi la bolletta online',
    pageText: (url: string) => `Consumi, pagamento e assistenza sulla pagina della tua bolletta: ${url}`,
    usage: 'I tuoi consumi',
    alexa: 'Puoi anche chiedere ad Alexa: «Alexa, chiedi alla mia bolletta perché è cambiata».',
    sms: (supply: string, amount: string, due: string, url: string) =>
      `Bolletta ${supply.toLowerCase()} di ${amount} entro il ${due}. Vedi e paga: ${url}`,
  },
  'en-US': {
    subject: (supply: string, amount: string) => `Your ${supply.toLowerCase()} bill: ${amount}`,
    hello: (name: string) => `Hello ${name},`,
    ready: (supply: string, period: string) => `your ${supply.toLowerCase()} bill ${period} is ready.`,
    attached: 'It is attached as a PDF.',
    pay: 'Pay now',
    page: 'See the bill online',
    pageText: (url: string) => `Usage, payment and help on your bill's page: ${url}`,
    usage: 'Your usage',
    alexa: 'You can also ask Alexa: "Alexa, ask my bill why it changed".',
    sms: (supply: string, amount: string, due: string, url: string) =>
      `${supply} bill of ${amount} due ${due}. See and pay: ${url}`,
  },
} satisfies Record<Locale, unknown>;

function plainText(
  view: BillView,
  pageUrl: string,
  attached: boolean,
  offer: BillOffer | null = null,
): string {
  const t = billTexts(view.locale);
  const w = words[view.locale];
  const supply = t.supply(view.supply.kind);
  return [
    w.hello(view.firstName),
    w.ready(supply, t.period(view.bill.periodStart, view.bill.periodEnd)),
    '',
    `${t.toPay}: ${t.money(view.bill.amountCents)}, ${t.dueBy(view.bill.dueOn)}.`,
    '',
    `${t.whatChanged}:`,
    ...t.explanation(view.comparison).map((s) => `- ${s}`),
    '',
    ...(attached ? [w.attached] : []),
    w.pageText(pageUrl),
    ...(offer ? ['', `${offer.title}: ${offer.text}`] : []),
  ].join('\n');
}

/** The passive e-mail: the printed bill attached, the same for everyone, with its link. */
export function passiveBillEmail(view: BillView, pageUrl: string): BillEmail {
  const t = billTexts(view.locale);
  return {
    subject: words[view.locale].subject(t.supply(view.supply.kind), t.money(view.bill.amountCents)),
    text: plainText(view, pageUrl, true),
    html: null,
  };
}

/** Intl formatters cost far more to build than to use: made once per locale. */
const dayMonth: Record<Locale, Intl.DateTimeFormat> = {
  'it-IT': new Intl.DateTimeFormat('it-IT', { day: 'numeric', month: 'numeric', timeZone: 'UTC' }),
  'en-US': new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'numeric', timeZone: 'UTC' }),
};
const shortMonth: Record<Locale, Intl.DateTimeFormat> = {
  'it-IT': new Intl.DateTimeFormat('it-IT', { month: 'short', year: '2-digit', timeZone: 'UTC' }),
  'en-US': new Intl.DateTimeFormat('en-US', { month: 'short', year: '2-digit', timeZone: 'UTC' }),
};

/** The active style's SMS: the amount, the due date and the personal link, nothing else. */
export function billSms(view: BillView, pageUrl: string): string {
  const t = billTexts(view.locale);
  const due = dayMonth[view.locale].format(new Date(`${view.bill.dueOn}T00:00:00Z`));
  return words[view.locale].sms(t.supply(view.supply.kind), t.money(view.bill.amountCents), due, pageUrl);
}

/** What the reactive e-mail's layout leaves open: each bill's words, figures and links (escaped). */
type Slot =
  | 'title'
  | 'preview'
  | 'greeting'
  | 'toPay'
  | 'amount'
  | 'due'
  | 'pageUrl'
  | 'pay'
  | 'whatChanged'
  | 'explanation'
  | 'usage'
  | 'rows'
  | 'page'
  | 'footnote'
  | 'offerTitle'
  | 'offerText';

const slot = (name: Slot) => `%%${name}%%`;

/**
 * The reactive e-mail's layout in MJML, every bill's content left as a slot. MJML turns it into
 * HTML once per shape (with or without the usage and the offer): compiling MJML is most of the
 * e-mail's cost, and the slots pass through it unchanged.
 */
function reactiveLayout(lang: string, usage: boolean, offer: boolean): string {
  return `<mjml lang="${lang}">
  <mj-head>
    <mj-title>${slot('title')}</mj-title>
    <mj-preview>${slot('preview')}</mj-preview>
    <mj-attributes>
      <mj-all font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" />
      <mj-text color="#1b2a3a" font-size="16px" line-height="1.45" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f7fb">
    <mj-section background-color="#ffffff" padding="24px 16px 8px">
      <mj-column>
        <mj-text>${slot('greeting')}</mj-text>
        <mj-text color="#5b6b7b" padding-bottom="0">${slot('toPay')}</mj-text>
        <mj-text font-size="34px" font-weight="700" padding-top="0" padding-bottom="0">${slot('amount')}</mj-text>
        <mj-text font-weight="600">${slot('due')}</mj-text>
        <mj-button href="${slot('pageUrl')}" background-color="#0b5cad" font-size="17px" font-weight="600" border-radius="8px" inner-padding="14px 28px" align="left">${slot('pay')}</mj-button>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="0 16px 8px">
      <mj-column>
        <mj-text font-size="18px" font-weight="700">${slot('whatChanged')}</mj-text>
        <mj-text><ul style="padding-left:20px;margin:0">${slot('explanation')}</ul></mj-text>
      </mj-column>
    </mj-section>
    ${
      usage
        ? `<mj-section background-color="#ffffff" padding="0 16px 8px">
      <mj-column>
        <mj-text font-size="18px" font-weight="700">${slot('usage')}</mj-text>
        <mj-table font-size="14px">${slot('rows')}</mj-table>
      </mj-column>
    </mj-section>`
        : ''
    }
    <mj-section background-color="#ffffff" padding="0 16px 24px">
      <mj-column>
        <mj-button href="${slot('pageUrl')}" background-color="#e3ecf7" color="#0b3d73" font-weight="600" border-radius="8px" align="left">${slot('page')}</mj-button>
        <mj-text color="#5b6b7b" font-size="14px">${slot('footnote')}</mj-text>
      </mj-column>
    </mj-section>
    ${
      offer
        ? `<mj-section background-color="#eef6ee" padding="8px 16px 16px">
      <mj-column>
        <mj-text font-size="16px" font-weight="700">${slot('offerTitle')}</mj-text>
        <mj-text font-size="14px" padding-top="0">${slot('offerText')}</mj-text>
      </mj-column>
    </mj-section>`
        : ''
    }
  </mj-body>
</mjml>`;
}

const compiled = new Map<string, Promise<string>>();

/** The layout compiled to HTML, once per shape for the life of the process. */
function compiledLayout(lang: string, usage: boolean, offer: boolean): Promise<string> {
  const key = `${lang}:${usage}:${offer}`;
  let html = compiled.get(key);
  if (!html) {
    html = Promise.resolve(mjml2html(reactiveLayout(lang, usage, offer), { validationLevel: 'strict' })).then(
      (r) => r.html,
    );
    compiled.set(key, html);
  }
  return html;
}

/** A layout's slots filled, in one pass: what fills a slot is never read for slots again. */
function fill(layout: string, content: Record<Slot, string>): string {
  return layout.replace(/%%(\w+)%%/g, (_, name: Slot) => content[name]);
}

/** What one bill puts in the reactive e-mail, and the shape of layout it needs. */
function reactiveContent(view: BillView, pageUrl: string) {
  const t = billTexts(view.locale);
  const w = words[view.locale];
  const supply = t.supply(view.supply.kind);
  const bars = view.history.filter((h) => h.quantity !== null);
  const max = Math.max(1, ...bars.map((b) => b.quantity as number));
  const month = (iso: string) => shortMonth[view.locale].format(new Date(`${iso}T00:00:00Z`));
  const offer = relevantOffer(view);
  const rows = bars
    .map((b) => {
      const share = Math.max(2, Math.round(((b.quantity as number) / max) * 100));
      const colour = b.periodEnd === view.bill.periodEnd ? '#0b5cad' : '#9db8d9';
      return `<tr><td style="padding:3px 8px 3px 0;width:64px;color:#5b6b7b">${text(month(b.periodEnd))}</td><td style="padding:3px 0"><div style="background:${colour};width:${share}%;height:14px;border-radius:3px"></div></td><td style="padding:3px 0 3px 8px;width:84px;text-align:right">${text(`${b.quantity} ${b.unit}`)}</td></tr>`;
    })
    .join('');
  const content: Record<Slot, string> = {
    title: text(w.subject(supply, t.money(view.bill.amountCents))),
    preview: text(`${t.toPay}: ${t.money(view.bill.amountCents)} ${t.dueBy(view.bill.dueOn)}`),
    greeting: `${text(w.hello(view.firstName))}<br />${text(w.ready(supply, t.period(view.bill.periodStart, view.bill.periodEnd)))}`,
    toPay: text(t.toPay),
    amount: text(t.money(view.bill.amountCents)),
    due: text(t.dueBy(view.bill.dueOn)),
    pageUrl: text(pageUrl),
    pay: text(w.pay),
    whatChanged: text(t.whatChanged),
    explanation: t
      .explanation(view.comparison)
      .map((s) => `<li>${text(s)}</li>`)
      .join(''),
    usage: text(w.usage),
    rows,
    page: text(w.page),
    footnote: `${text(w.alexa)}<br />${text(w.attached)}`,
    offerTitle: offer ? text(offer.title) : '',
    offerText: offer ? text(offer.text) : '',
  };
  return {
    shape: [view.locale.slice(0, 2), rows !== '', offer !== null] as const,
    content,
    subject: w.subject(supply, t.money(view.bill.amountCents)),
    text: plainText(view, pageUrl, true, offer),
  };
}

/**
 * The reactive e-mail: responsive HTML (MJML) built for the screen it is read on, whose parts
 * lead to the next step, with its plain-text part. No images at all, so no tracking pixel.
 */
export async function reactiveBillEmail(view: BillView, pageUrl: string): Promise<BillEmail> {
  const { shape, content, subject, text: plain } = reactiveContent(view, pageUrl);
  return { subject, text: plain, html: fill(await compiledLayout(...shape), content) };
}

/**
 * The same e-mail compiled by MJML with its content already in the layout, as if nothing were
 * kept between bills: what the kept layouts must give, byte for byte (slower).
 */
export async function reactiveBillEmailCompiledWhole(view: BillView, pageUrl: string): Promise<BillEmail> {
  const { shape, content, subject, text: plain } = reactiveContent(view, pageUrl);
  const rendered = await mjml2html(fill(reactiveLayout(...shape), content), { validationLevel: 'strict' });
  return { subject, text: plain, html: rendered.html };
}
