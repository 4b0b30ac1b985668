import { DateTime, Info } from 'luxon';
import { REFERENCE_ZONE, type Locale } from '../core/index.ts';
import { EACH_SUPPLY, type CustomerIntentName, type Slots } from '../core/services.ts';

/** What a typed line asks for, as far as the chat's words can tell. */
export type Understood =
  /** An intent, with the slots the line named (a supply, a month). */
  | { kind: 'intent'; intent: CustomerIntentName; slots: Slots }
  /** A short line naming only a supply ("e x il gas?"): the same question again, about it. */
  | { kind: 'supply'; slots: Slots }
  | { kind: 'person' | 'yes' | 'no' | 'help' | 'stop' | 'cancel' | 'fallback' };

type Rule = [RegExp, CustomerIntentName | Exclude<Understood['kind'], 'intent' | 'supply'>];

/** The questions whose answer depends on the supply named ("quanto devo per il gas"). */
const bySupply: readonly CustomerIntentName[] = ['WhatDoIOwe', 'WhyHigher', 'BillDetail'];

// Typed chat has no platform's language model: a few words customers really write, tried in
// order (the more specific first: "ultimo pagamento" before "pagare", "quanto devo pagare"
// before "pagare"). "Ho pagato" is not asking to pay.
const rules: Record<Locale, Rule[]> = {
  'it-IT': [
    [/\b(persona|operatore|umano|consulente|qualcuno|assistente)\b/, 'person'],
    [/\bultimo pagamento\b|\bpagamento (fatto|ricevuto)\b/, 'LastPayment'],
    [/\bquanto (ti |vi )?devo\b|\bsaldo\b|\bdebito\b|\bda pagare\b|\bdevo ancora\b/, 'WhatDoIOwe'],
    [/\bperche\b|\bcome mai\b|\baument|\bpiu (alta|cara)\b|\bcambiat|\bsalit/, 'WhyHigher'],
    [/\bpag(a|are|arla|arle|amento|o|hiamo)\b|\blink\b|\bsaldare\b/, 'PayBill'],
    [/\bprossimo appuntamento\b|\bquando (e|ho) (il|l) ?appuntamento\b/, 'NextAppointment'],
    [/\bspost/, 'MoveAppointment'],
    [/\bdisdic|\bcancella (l )?appuntamento\b/, 'CancelAppointment'],
    [/\bprenot|\bconsulenza\b|\bappuntamento\b|\bvideochiamata\b/, 'BookConsultation'],
    [/\bdettagli?o?\b|\bbolletta di\b|\bultima bolletta\b/, 'BillDetail'],
    [
      /^(si|si si|sisi|si grazie|si per favore|certo|ok|ok grazie|va bene|d accordo|esatto|volentieri)$/,
      'yes',
    ],
    [/^(no|no grazie|niente|nient altro|no no)$/, 'no'],
    [/^(annulla)$/, 'cancel'],
    [/^(stop|basta|fine|esci)$/, 'stop'],
    [/\baiuto\b|^(ciao|buongiorno|buonasera|salve)$/, 'help'],
  ],
  'en-US': [
    [/\b(person|human|agent|operator|advisor|adviser|someone|representative)\b/, 'person'],
    [/\blast payment\b|\bdid you (get|receive) my payment\b/, 'LastPayment'],
    [/\bowe\b|\bbalance\b|\bhow much\b|\bamount due\b/, 'WhatDoIOwe'],
    [/\bwhy\b|\bhigher\b|\bwent up\b|\bincreas|\bchanged\b/, 'WhyHigher'],
    [/\bpay\b|\bpayment link\b|\blink\b/, 'PayBill'],
    [/\bnext appointment\b|\bwhen is my appointment\b/, 'NextAppointment'],
    [/\breschedule\b|\bmove (my )?appointment\b/, 'MoveAppointment'],
    [/\bcancel (my )?appointment\b/, 'CancelAppointment'],
    [/\bbook\b|\bconsultation\b|\bappointment\b|\bvideo call\b/, 'BookConsultation'],
    [/\bdetails?\b|\bbill (of|for)\b|\blast bill\b/, 'BillDetail'],
    [/^(yes|yeah|yep|sure|ok|okay|please do)$/, 'yes'],
    [/^(no|nope|no thanks|nothing)$/, 'no'],
    [/^(cancel)$/, 'cancel'],
    [/^(stop|quit|exit|bye)$/, 'stop'],
    [/\bhelp\b|^(hi|hello|hey)$/, 'help'],
  ],
};

// How customers shorten and misspell words in a chat, written out before the rules are tried.
const spellings: Record<Locale, [RegExp, string][]> = {
  'it-IT': [
    [/\b(qnt|qnto|qto|qt|qnd)\b/g, 'quanto'],
    [/\bx\b/g, 'per'],
    [/\b(xke|xche|xk|pk|perke|perchee)\b/g, 'perche'],
    [/\b(bolleta|boletta|bollettta|bolete|bollete)\b/g, 'bolletta'],
    [/\bnn\b/g, 'non'],
    [/\bcmq\b/g, 'comunque'],
    [/\bdv\b/g, 'devo'],
  ],
  'en-US': [
    [/\bu\b/g, 'you'],
    [/\bplz\b|\bpls\b/g, 'please'],
  ],
};

// The supplies a line names, by the words customers use for them; "each" asks for every one.
const supplyWords: Record<Locale, [RegExp, string][]> = {
  'it-IT': [
    [
      /\b(ogni|ciascuna) (fornitura|utenza)\b|\bognuna\b|\bper fornitura\b|\btutte le forniture\b|\bsingol[ae] (forniture|utenze)\b|\bdivis[oa]\b|\bseparat[oa]\b|\buna per una\b/,
      EACH_SUPPLY,
    ],
    [/\bluce\b|\bcorrente\b|\belettric|\benergia\b/, 'electricity'],
    [/\bgas\b|\bmetano\b|\briscaldamento\b/, 'gas'],
    [/\bacqua\b|\bidric|\bacquedotto\b/, 'water'],
    [/\btelefono\b|\blinea fissa\b/, 'telecom'],
    [/\binternet\b|\bfibra\b|\badsl\b|\bwifi\b/, 'broadband'],
  ],
  'en-US': [
    [
      /\beach (supply|one|service|utility|account)\b|\bper (supply|service)\b|\bby supply\b|\bseparately\b|\bbroken down\b|\bbreakdown\b|\bsplit\b|\bone by one\b|\bindividually\b/,
      EACH_SUPPLY,
    ],
    [/\belectric|\bpower\b|\blights?\b/, 'electricity'],
    [/\bgas\b/, 'gas'],
    [/\bwater\b/, 'water'],
    [/\bphone\b|\blandline\b/, 'telecom'],
    [/\binternet\b|\bbroadband\b|\bwifi\b/, 'broadband'],
  ],
};

/** The months' names as the locale writes them, lower case: "gennaio", "january". */
const monthNames = (locale: Locale) => Info.months('long', { locale }).map((m) => m.toLowerCase());
const lastMonth: Record<Locale, RegExp> = {
  'it-IT': /\b(mese scorso|scorso mese)\b/,
  'en-US': /\blast month\b/,
};
const lastYear: Record<Locale, RegExp> = {
  'it-IT': /\b(anno scorso|scorso anno|anno passato)\b/,
  'en-US': /\blast year\b/,
};
const billWord: Record<Locale, RegExp> = { 'it-IT': /\b(bolletta|fattura)\b/, 'en-US': /\b(bill|invoice)\b/ };

/** Lower case, without accents or punctuation (emojis included), single spaces. */
export function normalized(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}:]+/gu, ' ')
    .trim();
}

/** A line as the rules read it: normalized, with chat shorthand and misspellings written out. */
function spelledOut(text: string, locale: Locale): string {
  return spellings[locale].reduce((line, [short, full]) => line.replace(short, full), normalized(text));
}

/** The kind of supply a line names (`each` for every one); none when it names none or several. */
export function supplyNamed(text: string, locale: Locale): string | undefined {
  const line = spelledOut(text, locale);
  const named = supplyWords[locale].filter(([words]) => words.test(line)).map(([, kind]) => kind);
  if (named.includes(EACH_SUPPLY)) return EACH_SUPPLY;
  return named.length === 1 ? named[0] : undefined;
}

/**
 * The month a line names, as `YYYY-MM`: with its year when given (or last year's: "luglio
 * dell'anno scorso"), else the latest one not in the future ("novembre" in April is last November).
 */
function monthNamed(line: string, locale: Locale, today: string): string | undefined {
  const now = DateTime.fromISO(today, { zone: REFERENCE_ZONE });
  if (lastMonth[locale].test(line)) return now.minus({ months: 1 }).toFormat('yyyy-MM');
  const index = monthNames(locale).findIndex((month) => new RegExp(`\\b${month}\\b`).test(line));
  if (index < 0) return undefined;
  const year = /\b(20\d\d)\b/.exec(line)?.[1];
  const month = String(index + 1).padStart(2, '0');
  if (year) return `${year}-${month}`;
  if (lastYear[locale].test(line)) return `${now.year - 1}-${month}`;
  return `${index + 1 > now.month ? now.year - 1 : now.year}-${month}`;
}

/** What a line typed in `locale` asks for, `today` being the day it is typed (a month's year). */
export function understand(text: string, locale: Locale, today: string): Understood {
  const line = spelledOut(text, locale);
  const supply = supplyNamed(text, locale);
  const period = monthNamed(line, locale, today);
  const slotsFor = (intent: CustomerIntentName): Slots => ({
    ...(supply && bySupply.includes(intent) ? { supply } : {}),
    ...(period && intent === 'BillDetail' ? { period } : {}),
  });
  // A bill named by its month is that bill, unless the line asks why it changed.
  const rule = rules[locale].find(([pattern]) => pattern.test(line))?.[1];
  const intent =
    period && billWord[locale].test(line) && rule !== 'WhyHigher' && rule !== 'person' ? 'BillDetail' : rule;
  if (!intent) {
    // "e x il gas?", "and the water": a few words about a supply and nothing else.
    if (supply && line.split(' ').length <= 5) return { kind: 'supply', slots: { supply } };
    return { kind: 'fallback' };
  }
  if (/^[A-Z]/.test(intent)) {
    const name = intent as CustomerIntentName;
    return { kind: 'intent', intent: name, slots: slotsFor(name) };
  }
  return { kind: intent as Exclude<Understood['kind'], 'intent' | 'supply'> };
}

/** Whether a question's answer depends on the supply named. */
export const asksBySupply = (intent: string): intent is CustomerIntentName =>
  (bySupply as readonly string[]).includes(intent);
