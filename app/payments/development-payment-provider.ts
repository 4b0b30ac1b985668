import { Router } from 'express';
import type { Clock, Locale, SignedLinks } from '../../core/index.ts';
import type { PaymentLinks, PaymentProvider } from '../../core/services.ts';
import { html } from '../web/html.ts';
import { credentialPageHeaders, customerDocument, formatEuros } from '../web/payment-page.ts';

/** How long a development checkout may be completed after it started. */
const CHECKOUT_TTL_MS = 60 * 60_000;

const texts: Record<Locale, { title: string; body: (amount: string) => string; pay: string; note: string }> =
  {
    'it-IT': {
      title: 'Pagamento di prova',
      body: (amount) => `Stai pagando ${amount}.`,
      pay: 'Conferma il pagamento',
      note: 'Fornitore di pagamenti di sviluppo: nessun denaro viene addebitato.',
    },
    'en-US': {
      title: 'Test payment',
      body: (amount) => `You are paying ${amount}.`,
      pay: 'Confirm the payment',
      note: 'Development payment provider: no money is charged.',
    },
  };

interface Checkout {
  checkoutId: string;
  amountCents: number;
  locale: Locale;
  reference: string;
  returnUrl: string;
}

const encode = (checkout: Checkout) => Buffer.from(JSON.stringify(checkout)).toString('base64url');
const decode = (subject: string) =>
  JSON.parse(Buffer.from(subject, 'base64url').toString('utf8')) as Checkout;

/**
 * A payment provider for development and demonstrations: its checkout is a page of this app
 * (`/dev-pay/:checkout`) where a button confirms the payment, which is then settled as a real
 * provider's confirmation would be. The checkout is a signed link, so it cannot be forged or
 * given another amount; no money moves.
 */
export function createDevelopmentPaymentProvider(options: {
  links: SignedLinks;
  clock: Clock;
  publicUrl: string;
}): PaymentProvider & { router: (settle: PaymentLinks['settle']) => Router } {
  const { links, clock } = options;
  const opened = (token: string) => decode(links.verify(token, 'checkout', clock.now()).subject);
  return {
    async startCheckout(checkout) {
      const token = links.sign({
        action: 'checkout',
        subject: encode(checkout),
        expiresAt: new Date(clock.now().getTime() + CHECKOUT_TTL_MS),
      });
      return { url: `${options.publicUrl}/dev-pay/${token}` };
    },

    router(settle) {
      const router = Router();
      router.get('/dev-pay/:token', (req, res) => {
        credentialPageHeaders(res);
        const checkout = opened(req.params.token);
        const t = texts[checkout.locale];
        res.type('html').send(
          customerDocument(
            checkout.locale,
            t.title,
            html`<h1>${t.title}</h1>
              <section class="panel">
                <p id="amount">${t.body(formatEuros(checkout.locale, checkout.amountCents))}</p>
                <form method="post" action="/dev-pay/${req.params.token}">
                  <button class="primary" type="submit" id="confirm">${t.pay}</button>
                </form>
                <p class="note">${t.note}</p>
              </section>`,
          ),
        );
      });
      router.post('/dev-pay/:token', async (req, res) => {
        const checkout = opened(req.params.token);
        await settle({
          reference: checkout.reference,
          checkoutId: checkout.checkoutId,
          amountCents: checkout.amountCents,
          paidAt: clock.now(),
        });
        res.redirect(303, checkout.returnUrl);
      });
      return router;
    },
  };
}
