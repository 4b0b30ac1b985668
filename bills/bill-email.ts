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

/** The active style's SMS: the amount, the due date and the personal link, nothing else. */
export function billSms(view: BillView, pageUrl: string): string {
  const t = billTexts(view.locale);
  const due = new Intl.DateTimeFormat(view.locale, {
    day: 'numeric',
    month: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${view.bill.dueOn}T00:00:00Z`));
  return words[view.locale].sms(t.supply(view.supply.kind), t.money(view.bill.amountCents), due, pageUrl);
}

/**
 * The reactive e-mail: responsive HTML (MJML) built for the screen it is read on, whose parts
 * lead to the next step, with its plain-text part. No images at all, so no tracking pixel.
 */
export async function reactiveBillEmail(view: BillView, pageUrl: string): Promise<BillEmail> {
  const t = billTexts(view.locale);
  const w = words[view.locale];
  const supply = t.supply(view.supply.kind);
  const bars = view.history.filter((h) => h.quantity !== null);
  const max = Math.max(1, ...bars.map((b) => b.quantity as number));
  const month = (iso: string) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString(view.locale, {
      month: 'short',
      year: '2-digit',
      timeZone: 'UTC',
    });
  const offer = relevantOffer(view);
  const rows = bars
    .map((b) => {
      const share = Math.max(2, Math.round(((b.quantity as number) / max) * 100));
      const colour = b.periodEnd === view.bill.periodEnd ? '#0b5cad' : '#9db8d9';
      return `<tr><td style="padding:3px 8px 3px 0;width:64px;color:#5b6b7b">${text(month(b.periodEnd))}</td><td style="padding:3px 0"><div style="background:${colour};width:${share}%;height:14px;border-radius:3px"></div></td><td style="padding:3px 0 3px 8px;width:84px;text-align:right">${text(`${b.quantity} ${b.unit}`)}</td></tr>`;
    })
    .join('');
  const source = `<mjml lang="${view.locale.slice(0, 2)}">
  <mj-head>
    <mj-title>${text(w.subject(supply, t.money(view.bill.amountCents)))}</mj-title>
    <mj-preview>${text(`${t.toPay}: ${t.money(view.bill.amountCents)} ${t.dueBy(view.bill.dueOn)}`)}</mj-preview>
    <mj-attributes>
      <mj-all font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" />
      <mj-text color="#1b2a3a" font-size="16px" line-height="1.45" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f7fb">
    <mj-section background-color="#ffffff" padding="24px 16px 8px">
      <mj-column>
        <mj-text>${text(w.hello(view.firstName))}<br />${text(w.ready(supply, t.period(view.bill.periodStart, view.bill.periodEnd)))}</mj-text>
        <mj-text color="#5b6b7b" padding-bottom="0">${text(t.toPay)}</mj-text>
        <mj-text font-size="34px" font-weight="700" padding-top="0" padding-bottom="0">${text(t.money(view.bill.amountCents))}</mj-text>
        <mj-text font-weight="600">${text(t.dueBy(view.bill.dueOn))}</mj-text>
        <mj-button href="${text(pageUrl)}" background-color="#0b5cad" font-size="17px" font-weight="600" border-radius="8px" inner-padding="14px 28px" align="left">${text(w.pay)}</mj-button>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="0 16px 8px">
      <mj-column>
        <mj-text font-size="18px" font-weight="700">${text(t.whatChanged)}</mj-text>
        <mj-text><ul style="padding-left:20px;margin:0">${t
          .explanation(view.comparison)
          .map((s) => `<li>${text(s)}</li>`)
          .join('')}</ul></mj-text>
      </mj-column>
    </mj-section>
    ${
      rows
        ? `<mj-section background-color="#ffffff" padding="0 16px 8px">
      <mj-column>
        <mj-text font-size="18px" font-weight="700">${text(w.usage)}</mj-text>
        <mj-table font-size="14px">${rows}</mj-table>
      </mj-column>
    </mj-section>`
        : ''
    }
    <mj-section background-color="#ffffff" padding="0 16px 24px">
      <mj-column>
        <mj-button href="${text(pageUrl)}" background-color="#e3ecf7" color="#0b3d73" font-weight="600" border-radius="8px" align="left">${text(w.page)}</mj-button>
        <mj-text color="#5b6b7b" font-size="14px">${text(w.alexa)}<br />${text(w.attached)}</mj-text>
      </mj-column>
    </mj-section>
    ${
      offer
        ? `<mj-section background-color="#eef6ee" padding="8px 16px 16px">
      <mj-column>
        <mj-text font-size="16px" font-weight="700">${text(offer.title)}</mj-text>
        <mj-text font-size="14px" padding-top="0">${text(offer.text)}</mj-text>
      </mj-column>
    </mj-section>`
        : ''
    }
  </mj-body>
</mjml>`;
  const rendered = await mjml2html(source, { validationLevel: 'strict' });
  return {
    subject: w.subject(supply, t.money(view.bill.amountCents)),
    text: plainText(view, pageUrl, true, offer),
    html: rendered.html,
  };
}
