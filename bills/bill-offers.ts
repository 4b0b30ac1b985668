import type { AccountKind, Locale } from '../core/index.ts';
import type { BillView } from '../core/services.ts';

/** An offer shown beside a bill: what it is, and why it fits this bill. */
export interface BillOffer {
  title: string;
  text: string;
}

// Which offer fits: a supply whose use rose gets the offer that caps or cuts it; another one the
// offer of its kind that needs no change of habits.
const offers: Record<Locale, Record<AccountKind, { rose: BillOffer; steady: BillOffer }>> = {
  'it-IT': {
    electricity: {
      rose: {
        title: 'Prezzo bloccato per 24 mesi',
        text: 'I tuoi consumi di luce sono saliti: con Luce Fissa 24 il prezzo dell’energia resta lo stesso per due anni.',
      },
      steady: {
        title: 'Luce verde, stesso prezzo',
        text: 'Energia da fonti rinnovabili certificate senza costi in più sulla tua offerta attuale.',
      },
    },
    gas: {
      rose: {
        title: 'Controllo caldaia incluso',
        text: 'I tuoi consumi di gas sono saliti: una caldaia regolata consuma meno. Il controllo annuale è incluso con Gas Sereno.',
      },
      steady: {
        title: 'Gas Sereno',
        text: 'Rata costante tutto l’anno, conguaglio una volta sola.',
      },
    },
    water: {
      rose: {
        title: 'Kit risparmio acqua',
        text: 'I tuoi consumi sono saliti: riduttori di flusso gratuiti per rubinetti e doccia.',
      },
      steady: {
        title: 'Avviso perdite',
        text: 'Ti avvisiamo se il contatore segna consumi anomali di notte.',
      },
    },
    telecom: {
      rose: {
        title: 'Giga illimitati',
        text: 'Stai usando di più: passa ai giga illimitati allo stesso prezzo per sei mesi.',
      },
      steady: { title: 'Seconda SIM a metà prezzo', text: 'Una SIM per la famiglia allo stesso conto.' },
    },
    broadband: {
      rose: {
        title: 'Fibra più veloce',
        text: 'Usi la rete di più: la fibra a 2,5 Gbit/s senza costi di attivazione.',
      },
      steady: { title: 'Modem Wi-Fi 7', text: 'Il nuovo modem a noleggio gratuito per un anno.' },
    },
  },
  'en-US': {
    electricity: {
      rose: {
        title: 'A price locked for 24 months',
        text: 'Your electricity use went up: with Fixed 24 the energy price stays the same for two years.',
      },
      steady: {
        title: 'Green power, same price',
        text: 'Certified renewable electricity at no extra cost on your current plan.',
      },
    },
    gas: {
      rose: {
        title: 'Boiler check included',
        text: 'Your gas use went up: a tuned boiler uses less. The yearly check comes with Steady Gas.',
      },
      steady: { title: 'Steady Gas', text: 'The same instalment all year, settled once.' },
    },
    water: {
      rose: { title: 'Water-saving kit', text: 'Your use went up: free flow reducers for taps and shower.' },
      steady: { title: 'Leak alerts', text: 'We tell you when the meter runs at night.' },
    },
    telecom: {
      rose: {
        title: 'Unlimited data',
        text: 'You are using more: unlimited data at the same price for six months.',
      },
      steady: { title: 'A second SIM at half price', text: 'A family SIM on the same bill.' },
    },
    broadband: {
      rose: {
        title: 'Faster fibre',
        text: 'You use the line more: 2.5 Gbit/s fibre with no activation fee.',
      },
      steady: { title: 'Wi-Fi 7 router', text: 'The new router free to rent for a year.' },
    },
  },
};

/**
 * The offer that fits this bill, only for a customer who consented to marketing; null otherwise.
 * "Rose": use per day above the same period a year before, or else the previous one.
 */
export function relevantOffer(view: BillView): BillOffer | null {
  if (!view.marketing) return null;
  const daily = view.comparison.dailyConsumption;
  const earlier = daily?.yearAgo ?? daily?.previous ?? null;
  const rose = daily !== null && earlier !== null && daily.current > earlier;
  const fitting = offers[view.locale][view.supply.kind];
  return rose ? fitting.rose : fitting.steady;
}
