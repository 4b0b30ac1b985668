import type { Locale } from '../core/index.ts';
import type { CustomerIntentName } from '../core/services.ts';

/** What a typed line asks for, as far as the chat's words can tell. */
export type Understood =
  | { kind: 'intent'; intent: CustomerIntentName }
  | { kind: 'person' | 'yes' | 'no' | 'help' | 'stop' | 'cancel' | 'fallback' };

type Rule = [RegExp, Understood];

const intent = (name: CustomerIntentName): Understood => ({ kind: 'intent', intent: name });

// Typed chat has no platform's language model: a few words customers really write, tried in
// order (the more specific first: "ultimo pagamento" before "pagare", "quanto devo pagare"
// before "pagare").
const rules: Record<Locale, Rule[]> = {
  'it-IT': [
    [/\b(persona|operatore|umano|consulente|qualcuno|assistente)\b/, { kind: 'person' }],
    [/\bultimo pagamento\b|\bpagamento (fatto|ricevuto)\b/, intent('LastPayment')],
    [/\bquanto devo\b|\bsaldo\b|\bdebito\b|\bda pagare\b|\bdevo ancora\b/, intent('WhatDoIOwe')],
    [/\bperche\b|\baument|\bpiu (alta|cara)\b|\bcambiat|\bsalit/, intent('WhyHigher')],
    [/\bpaga|\blink\b/, intent('PayBill')],
    [/\bprossimo appuntamento\b|\bquando (e|ho) (il|l) ?appuntamento\b/, intent('NextAppointment')],
    [/\bspost/, intent('MoveAppointment')],
    [/\bdisdic|\bcancella (l )?appuntamento\b/, intent('CancelAppointment')],
    [/\bprenot|\bconsulenza\b|\bappuntamento\b|\bvideochiamata\b/, intent('BookConsultation')],
    [/\bdettagli?o?\b|\bbolletta di\b/, intent('BillDetail')],
    [/^(si|certo|ok|va bene|d accordo|esatto)$/, { kind: 'yes' }],
    [/^(no|no grazie|niente)$/, { kind: 'no' }],
    [/^(annulla)$/, { kind: 'cancel' }],
    [/^(stop|basta|fine|esci)$/, { kind: 'stop' }],
    [/\baiuto\b|^(ciao|buongiorno|buonasera|salve)$/, { kind: 'help' }],
  ],
  'en-US': [
    [/\b(person|human|agent|operator|advisor|adviser|someone|representative)\b/, { kind: 'person' }],
    [/\blast payment\b|\bdid you (get|receive) my payment\b/, intent('LastPayment')],
    [/\bowe\b|\bbalance\b|\bhow much\b|\bamount due\b/, intent('WhatDoIOwe')],
    [/\bwhy\b|\bhigher\b|\bwent up\b|\bincreas|\bchanged\b/, intent('WhyHigher')],
    [/\bpay\b|\bpayment link\b|\blink\b/, intent('PayBill')],
    [/\bnext appointment\b|\bwhen is my appointment\b/, intent('NextAppointment')],
    [/\breschedule\b|\bmove (my )?appointment\b/, intent('MoveAppointment')],
    [/\bcancel (my )?appointment\b/, intent('CancelAppointment')],
    [/\bbook\b|\bconsultation\b|\bappointment\b|\bvideo call\b/, intent('BookConsultation')],
    [/\bdetails?\b|\bbill (of|for)\b/, intent('BillDetail')],
    [/^(yes|yeah|yep|sure|ok|okay|please do)$/, { kind: 'yes' }],
    [/^(no|nope|no thanks|nothing)$/, { kind: 'no' }],
    [/^(cancel)$/, { kind: 'cancel' }],
    [/^(stop|quit|exit|bye)$/, { kind: 'stop' }],
    [/\bhelp\b|^(hi|hello|hey)$/, { kind: 'help' }],
  ],
};

/** Lower case, without accents or punctuation, single spaces. */
export function normalized(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}:]+/gu, ' ')
    .trim();
}

/** What a line typed in `locale` asks for. */
export function understand(text: string, locale: Locale): Understood {
  const line = normalized(text);
  return rules[locale].find(([pattern]) => pattern.test(line))?.[1] ?? { kind: 'fallback' };
}
