import type { AccountKind } from '../customers.ts';
import type { Locale } from '../vocabulary.ts';
import type { Supply } from '../supplies.ts';
import { sayList } from './messages.ts';

/** A supply in the forms a sentence needs it. */
export interface SupplyWords {
  /** "luce", "electricity": in lists and after "for". */
  bare: (supply: Supply) => string;
  /** "la luce", "l'acqua"; "electricity". */
  the: (supply: Supply) => string;
  /** "della luce", "dell'acqua"; "electricity" (as in "the electricity bill"). */
  of: (supply: Supply) => string;
  /** "dalla luce", "dal gas"; "electricity" (as in "start with electricity"). */
  from: (supply: Supply) => string;
  /** The kinds among these supplies, each once: "luce e gas", "electricity, gas and water". */
  kinds: (supplies: readonly Supply[]) => string;
  /** A kind of supply on its own: "luce", "electricity" (a button's label, capitalised). */
  kind: (kind: AccountKind) => string;
}

type Forms = { bare: string; the: string; of: string; from: string };

const italian: Record<AccountKind, Forms> = {
  electricity: { bare: 'luce', the: 'la luce', of: 'della luce', from: 'dalla luce' },
  gas: { bare: 'gas', the: 'il gas', of: 'del gas', from: 'dal gas' },
  water: { bare: 'acqua', the: "l'acqua", of: "dell'acqua", from: "dall'acqua" },
  telecom: { bare: 'telefono', the: 'il telefono', of: 'del telefono', from: 'dal telefono' },
  broadband: { bare: 'internet', the: 'internet', of: 'di internet', from: 'da internet' },
};

const english: Record<AccountKind, string> = {
  electricity: 'electricity',
  gas: 'gas',
  water: 'water',
  telecom: 'phone',
  broadband: 'internet',
};

function words(
  locale: Locale,
  form: (kind: AccountKind, key: keyof Forms) => string,
  at: string,
): SupplyWords {
  // The street only where another supply of the same kind would make the kind ambiguous.
  const named = (key: keyof Forms) => (supply: Supply) =>
    `${form(supply.kind, key)}${supply.sharesKind ? ` ${at} ${supply.street}` : ''}`;
  return {
    bare: named('bare'),
    the: named('the'),
    of: named('of'),
    from: named('from'),
    kinds: (supplies) =>
      sayList(
        locale,
        [...new Set(supplies.map((s) => s.kind))].map((kind) => form(kind, 'bare')),
        'and',
      ),
    kind: (kind) => form(kind, 'bare'),
  };
}

export const supplyWords: Record<Locale, SupplyWords> = {
  'it-IT': words('it-IT', (kind, key) => italian[kind][key], 'di'),
  'en-US': words('en-US', (kind) => english[kind], 'at'),
};
