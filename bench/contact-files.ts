// A year of generated contacts written as CSV, the way a CRM exports them or (`italian`) the way an
// Italian call centre does: what the import and census benches read.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const columns =
  'external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome,details';

// Channel, share of contacts, touchpoints, typical handle time in seconds (0: no duration).
const channels: [string, number, string[], number][] = [
  ['call_centre', 34, ['ivr', 'agent', 'agent', 'agent', 'callback'], 420],
  ['web', 26, ['self_service', 'self_service', 'contact_form', 'payment_page'], 240],
  ['email', 14, ['inbox', 'inbox', 'notification'], 0],
  ['sms', 10, ['notification', 'link'], 0],
  ['shop', 11, ['counter'], 900],
  ['paper_mail', 5, ['letter'], 0],
];
const reasons: [string, number][] = [
  ['bill_explanation', 30],
  ['payment', 22],
  ['meter_reading', 14],
  ['contract_change', 10],
  ['moving', 7],
  ['outage', 9],
  ['complaint', 8],
];
// Monday first; a contact centre's week.
const weekdayWeights = [1.3, 1.15, 1.1, 1.05, 1.0, 0.45, 0.15];
const hourWeights = [
  0, 0, 0, 0, 0, 0, 0.1, 0.4, 1.6, 2.4, 2.5, 2.2, 1.3, 1.2, 1.9, 2.0, 1.8, 1.4, 0.8, 0.5, 0.3, 0.2, 0.1, 0,
];

export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, weighted: readonly (readonly [T, number, ...unknown[]])[]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = rand() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return (weighted.at(-1) as readonly [T, number])[0];
}

/**
 * A year of contacts up to today, in time order as a CRM export comes, written as it is made:
 * more on weekdays and in office hours, a few customers who call often, 3% nobody identified.
 */
export async function writeContacts(
  file: string,
  rows: number,
  customerIds: string[],
  rand: () => number,
  shape: 'plain' | 'italian' = 'plain',
) {
  const italian = shape === 'italian';
  const out = createWriteStream(file, { encoding: italian ? 'latin1' : 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${italian ? italianColumns : columns}\n`);
  const days = 365;
  const firstDay =
    Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) -
    days * 86_400_000;
  const weights = Array.from(
    { length: days },
    (_, d) => weekdayWeights[(new Date(firstDay + d * 86_400_000).getUTCDay() + 6) % 7] as number,
  );
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const hours = hourWeights.map((w, h) => [h, w] as const);
  let written = 0;
  let carried = 0;
  for (let d = 0; d < days; d++) {
    carried += (rows * (weights[d] as number)) / totalWeight;
    const count = d === days - 1 ? rows - written : Math.round(carried) - written;
    const times = Array.from(
      { length: count },
      // Rome is UTC+1 in winter: close enough for a spread over office hours.
      () => firstDay + d * 86_400_000 + (pick(rand, hours) - 1) * 3_600_000 + Math.floor(rand() * 3_600_000),
    ).sort((a, b) => a - b);
    let chunk = '';
    for (const at of times) {
      const channel = pick(
        rand,
        channels.map((c) => [c, c[1]] as const),
      );
      const [code, , touchpoints, handle] = channel;
      const touchpoint = touchpoints[Math.floor(rand() * touchpoints.length)] as string;
      const outbound = touchpoint === 'notification' || touchpoint === 'callback' || code === 'paper_mail';
      const customer = rand() < 0.03 ? '' : customerIds[Math.floor(customerIds.length * rand() ** 2)];
      const ended =
        handle > 0 ? new Date(at + Math.round(handle * (0.3 + 1.4 * rand())) * 1000).toISOString() : '';
      const outcome =
        code === 'call_centre' && touchpoint === 'ivr' && rand() < 0.3
          ? 'abandoned'
          : rand() < 0.12
            ? 'handed_off'
            : 'resolved';
      const details =
        code === 'call_centre' && touchpoint !== 'callback'
          ? `"{""queue"":""${touchpoint === 'ivr' ? 'menu' : 'billing'}"",""wait_seconds"":${Math.floor(rand() * 600)}}"`
          : '';
      const reason = pick(rand, reasons);
      const id = `crm-${String(written).padStart(8, '0')}`;
      chunk += italian
        ? `${id};${customer};${italianLabels[code]};${italianLabels[reason]};${romeTime(at)};` +
          `${ended && romeTime(Date.parse(ended))};${italianLabels[outcome]};Nota dell'operatore, più o meno €\r\n`
        : `${id},${customer},${code},${touchpoint},${outbound ? 'outbound' : 'inbound'},` +
          `${reason},${new Date(at).toISOString()},${ended},${outcome},${details}\n`;
      written++;
    }
    await write(chunk);
  }
  out.end();
  await once(out, 'finish');
}

// The same contacts as an Italian call centre exports them: semicolons, Windows-1252, local
// times, its labels, the CRM's codes, no touchpoint or direction.
const italianColumns = 'ID Chiamata;Codice Cliente;Canale;Motivo;Data Inizio;Data Fine;Esito;Note';
const italianLabels: Record<string, string> = {
  call_centre: 'Telefono',
  web: 'Sito web',
  email: 'E-mail',
  sms: 'SMS',
  shop: 'Negozio',
  paper_mail: 'Lettera',
  bill_explanation: 'Bolletta',
  payment: 'Pagamento',
  meter_reading: 'Autolettura',
  contract_change: 'Cambio offerta',
  moving: 'Trasloco',
  outage: 'Interruzione della fornitura',
  complaint: 'Reclamo',
  resolved: 'Risolto',
  handed_off: 'Trasferita',
  abandoned: 'Abbandonata',
};
const romeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
/** `dd/MM/yyyy HH:mm:ss` on Rome's clocks. */
const romeTime = (at: number) => romeFormat.format(at).replace(',', '');
