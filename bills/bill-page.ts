import type { PageKit } from '../core/index.ts';
import type { BillPage } from '../core/services.ts';
import { relevantOffer } from './bill-offers.ts';
import { billTexts } from './bill-texts.ts';

/** What the page's buttons lead to, each under the same personal link. */
export interface BillPageActions {
  pdf: string;
  pay: string;
  book: string;
  linkingCode: string;
  paperless: string;
}

const pageTexts = {
  'it-IT': {
    hello: (name: string) => `Ciao ${name}, ecco la tua bolletta`,
    paid: 'Pagata, grazie.',
    overdue: 'Scaduta: puoi pagarla ora.',
    pay: 'Paga ora',
    pdf: 'Scarica la bolletta (PDF)',
    usage: 'I tuoi consumi',
    next: 'Serve altro?',
    book: 'Prenota una videoconsulenza',
    linkingCode: 'Collega Alexa: ricevi un codice',
    paperless: 'Passa alla bolletta digitale',
    paperlessEmail: 'La tua e-mail',
    isPaperless: 'Ricevi già le bollette senza carta.',
    chartLabel: (unit: string) => `Consumi degli ultimi 13 mesi in ${unit}`,
  },
  'en-US': {
    hello: (name: string) => `Hello ${name}, here is your bill`,
    paid: 'Paid, thank you.',
    overdue: 'Overdue: you can pay it now.',
    pay: 'Pay now',
    pdf: 'Download the bill (PDF)',
    usage: 'Your usage',
    next: 'Anything else?',
    book: 'Book a video consultation',
    linkingCode: 'Link Alexa: get a code',
    paperless: 'Go paperless',
    paperlessEmail: 'Your e-mail',
    isPaperless: 'Your bills already come without paper.',
    chartLabel: (unit: string) => `Usage over the last 13 months in ${unit}`,
  },
} as const;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b2a3a;background:#f4f7fb}
main{max-width:44rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.5rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border-radius:.75rem;padding:1rem 1.25rem;box-shadow:0 1px 3px #0001}
.amount{font-size:2.2rem;font-weight:700;margin:.25rem 0}.muted{color:#5b6b7b}.note{font-weight:600}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}.actions form{margin:0}
.button{display:inline-block;padding:.75rem 1.25rem;border-radius:.5rem;border:0;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.primary{background:#0b5cad;color:#fff}.secondary{background:#e3ecf7;color:#0b3d73}
svg{width:100%;height:auto;display:block}ul{padding-left:1.2rem}
input{font:inherit;padding:.6rem;border:1px solid #9db8d9;border-radius:.4rem;max-width:100%}.code{font-size:2rem;font-weight:700;letter-spacing:.2em}.offer{margin-top:1.5rem;background:#eef6ee}
`;

/** The bill's page: mobile first, in the customer's language, its buttons leading to the next step. */
export function renderBillPage(kit: PageKit, page: BillPage, actions: BillPageActions): string {
  const text = kit.escape;
  const t = billTexts(page.locale);
  const p = pageTexts[page.locale];
  const { bill } = page;
  const note = page.status === 'paid' ? p.paid : page.status === 'overdue' ? p.overdue : t.dueBy(bill.dueOn);
  const canPay = page.status !== 'paid' && page.status !== 'cancelled';
  const offer = relevantOffer(page);
  const body = `<h1>${text(p.hello(page.firstName))}</h1>
<section class="card" aria-labelledby="summary">
<div id="summary" class="muted">${text(`${t.title} ${t.supply(page.supply.kind)} · ${page.supply.address}`)}</div>
<div class="muted">${text(t.period(bill.periodStart, bill.periodEnd))}</div>
<div class="amount">${text(t.money(bill.amountCents))}</div>
<div class="note">${text(note)}</div>
<div class="actions">
${canPay ? `<form method="post" action="${text(actions.pay)}"><button class="button primary" type="submit">${text(p.pay)}</button></form>` : ''}
<a class="button secondary" href="${text(actions.pdf)}">${text(p.pdf)}</a>
</div>
</section>
<h2>${text(t.whatChanged)}</h2>
<section class="card"><ul>${t
    .explanation(page.comparison)
    .map((sentence) => `<li>${text(sentence)}</li>`)
    .join('')}</ul></section>
${usageChart(text, t, page, p.usage, p.chartLabel)}
<h2>${text(p.next)}</h2>
<section class="card"><div class="actions">
<a class="button secondary" href="${text(actions.book)}">${text(p.book)}</a>
${
  // The code goes out by e-mail or SMS: not offered to a customer reached on paper only.
  page.messageMedium
    ? `<form method="post" action="${text(actions.linkingCode)}"><button class="button secondary" type="submit">${text(p.linkingCode)}</button></form>`
    : ''
}
</div>
${
  page.paperless
    ? `<p>${text(p.isPaperless)}</p>`
    : paperlessForm(kit, page.locale, actions.paperless, page.emailOnFile)
}
</section>
${offer ? `<section class="card offer"><h2>${text(offer.title)}</h2><p>${text(offer.text)}</p></section>` : ''}`;
  return kit.document({
    locale: page.locale,
    title: `${t.title} ${t.supply(page.supply.kind)} ${bill.number}`,
    styles: STYLE,
    body: kit.raw(body),
    // A conversation started here (the live chat) continues the journey the bill's opening is in.
    visit: { customerId: page.communication.customerId, touchpoint: 'bill_page', contactId: page.opening.id },
  });
}

/**
 * The paperless form: the address asked for when none is on file (`typed` refills it after a
 * refusal), the button that switches.
 */
export function paperlessForm(
  kit: PageKit,
  locale: BillPage['locale'],
  action: string,
  emailOnFile: boolean,
  typed = '',
): string {
  const text = kit.escape;
  const p = pageTexts[locale];
  const field = emailOnFile
    ? ''
    : `<label>${text(p.paperlessEmail)} <input type="email" name="email" required autocomplete="email"${
        typed ? ` value="${text(typed)}"` : ''
      }></label>`;
  return `<form method="post" action="${text(action)}" class="actions">${field}<button class="button secondary" type="submit">${text(p.paperless)}</button></form>`;
}

/**
 * A page under the bill's link (a step the bill's page led to), in the bill page's look, leading
 * `back` to the bill (nowhere when the link opens no bill).
 */
export function billStepPage(
  kit: PageKit,
  locale: BillPage['locale'],
  title: string,
  body: string,
  back: string | null,
): string {
  const text = kit.escape;
  const way = back === null ? '' : `<p><a href="${text(back)}">${text(billTexts(locale).title)}</a></p>`;
  return kit.document({
    locale,
    title,
    styles: STYLE,
    body: kit.raw(`<h1>${text(title)}</h1><section class="card">${body}</section>${way}`),
  });
}

/**
 * Bars of consumption per bill of the last 13 months (the bill's and the 12 before), as SVG: no
 * script, no image request; each bar's tooltip says its period and usage in the page's language.
 */
function usageChart(
  text: PageKit['escape'],
  t: ReturnType<typeof billTexts>,
  page: BillPage,
  title: string,
  label: (unit: string) => string,
): string {
  const bars = page.history.filter((h) => h.quantity !== null);
  if (bars.length === 0) return '';
  const unit = bars.at(-1)?.unit ?? '';
  const max = Math.max(...bars.map((b) => b.quantity as number), 1);
  const width = 320;
  const height = 160;
  const step = width / bars.length;
  const month = (iso: string) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString(page.locale, {
      month: 'short',
      year: '2-digit',
      timeZone: 'UTC',
    });
  const shapes = bars
    .map((b, i) => {
      const h = Math.round(((b.quantity as number) / max) * (height - 40));
      const x = Math.round(i * step + step * 0.15);
      const w = Math.max(2, Math.round(step * 0.7));
      const current = b.periodEnd === page.bill.periodEnd;
      return `<rect x="${x}" y="${height - 20 - h}" width="${w}" height="${h}" fill="${current ? '#0b5cad' : '#9db8d9'}"><title>${text(`${t.period(b.periodStart, b.periodEnd)}: ${t.quantity(b.quantity as number, b.unit ?? unit)}`)}</title></rect><text x="${x + w / 2}" y="${height - 6}" font-size="10" text-anchor="middle" fill="#5b6b7b">${text(month(b.periodEnd))}</text>`;
    })
    .join('');
  return `<h2>${text(title)}</h2><section class="card"><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${text(label(unit))}">${shapes}</svg></section>`;
}
