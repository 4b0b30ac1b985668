import { table, type DemoRandom } from './demo-random.ts';

// Real Italian cities with their postcode ranges, weighted by population, so that a search
// by city or postcode in the demo finds what a person from Italy would expect.
const cities = table<[string, string, number, number]>(
  (
    [
      ['Roma', 'RM', 118, 199, 28],
      ['Milano', 'MI', 20121, 20162, 14],
      ['Napoli', 'NA', 80121, 80147, 9],
      ['Torino', 'TO', 10121, 10156, 8.5],
      ['Palermo', 'PA', 90121, 90151, 6.3],
      ['Genova', 'GE', 16121, 16167, 5.6],
      ['Bologna', 'BO', 40121, 40141, 3.9],
      ['Firenze', 'FI', 50121, 50145, 3.6],
      ['Bari', 'BA', 70121, 70132, 3.2],
      ['Catania', 'CT', 95121, 95131, 3],
      ['Verona', 'VR', 37121, 37142, 2.6],
      ['Venezia', 'VE', 30121, 30176, 2.5],
      ['Messina', 'ME', 98121, 98168, 2.2],
      ['Padova', 'PD', 35121, 35143, 2.1],
      ['Trieste', 'TS', 34121, 34151, 2],
      ['Brescia', 'BS', 25121, 25136, 2],
      ['Parma', 'PR', 43121, 43126, 2],
      ['Taranto', 'TA', 74121, 74123, 1.9],
      ['Prato', 'PO', 59100, 59100, 1.9],
      ['Modena', 'MO', 41121, 41126, 1.8],
      ['Reggio Calabria', 'RC', 89121, 89135, 1.7],
      ["Reggio nell'Emilia", 'RE', 42121, 42124, 1.7],
      ['Perugia', 'PG', 6121, 6135, 1.6],
      ['Ravenna', 'RA', 48121, 48125, 1.5],
      ['Livorno', 'LI', 57121, 57128, 1.5],
      ['Cagliari', 'CA', 9121, 9134, 1.5],
      ['Foggia', 'FG', 71121, 71122, 1.5],
      ['Rimini', 'RN', 47921, 47924, 1.5],
      ['Salerno', 'SA', 84121, 84135, 1.3],
      ['Ferrara', 'FE', 44121, 44124, 1.3],
      ['Sassari', 'SS', 7100, 7100, 1.3],
      ['Latina', 'LT', 4100, 4100, 1.3],
      ['Monza', 'MB', 20900, 20900, 1.2],
      ['Bergamo', 'BG', 24121, 24129, 1.2],
      ['Pescara', 'PE', 65121, 65129, 1.2],
      ['Trento', 'TN', 38121, 38123, 1.2],
      ['Vicenza', 'VI', 36100, 36100, 1.1],
      ['Bolzano', 'BZ', 39100, 39100, 1.1],
      ['Ancona', 'AN', 60121, 60131, 1],
      ['Udine', 'UD', 33100, 33100, 1],
      ['Lecce', 'LE', 73100, 73100, 0.95],
    ] as const
  ).map(([city, province, from, to, weight]) => [[city, province, from, to], weight] as const),
);

const streetKinds = table([
  ['Via', 70],
  ['Viale', 8],
  ['Piazza', 7],
  ['Corso', 7],
  ['Largo', 3],
  ['Vicolo', 2],
  ['Strada', 3],
] as const);

const dedications = [
  'Roma',
  'Giuseppe Garibaldi',
  'Giuseppe Mazzini',
  'Camillo Benso di Cavour',
  'Dante Alighieri',
  'Giacomo Matteotti',
  'Giuseppe Verdi',
  'Guglielmo Marconi',
  'XX Settembre',
  'IV Novembre',
  'Antonio Gramsci',
  'Trieste',
  'Milano',
  'Torino',
  'Venezia',
  'della Repubblica',
  'dei Mille',
  'Alessandro Manzoni',
  'Giacomo Leopardi',
  'San Francesco',
  'Santa Maria',
  'Nazionale',
  'Cristoforo Colombo',
  'della Libertà',
  'Vittorio Emanuele II',
  'Umberto I',
  'Aldo Moro',
  'Don Giovanni Minzoni',
  'delle Rose',
  'dei Tigli',
  'Galileo Galilei',
  'Leonardo da Vinci',
  'Piave',
  'Cesare Battisti',
  'Nazario Sauro',
  'Gabriele D’Annunzio',
  'della Stazione',
  'del Lavoro',
  'Europa',
  'Enrico Fermi',
  'Luigi Pirandello',
  'Giovanni Pascoli',
  'Sandro Pertini',
  'Giovanni XXIII',
  'Bruno Buozzi',
  'della Pace',
  'Petrarca',
  'Carducci',
] as const;

const mobilePrefixes = [
  '320',
  '324',
  '327',
  '328',
  '329',
  '330',
  '331',
  '333',
  '334',
  '335',
  '336',
  '338',
  '339',
  '340',
  '342',
  '343',
  '345',
  '346',
  '347',
  '348',
  '349',
  '351',
  '366',
  '368',
  '371',
  '377',
  '380',
  '388',
  '389',
  '391',
  '392',
  '393',
] as const;
const landlineAreas = [
  '02',
  '06',
  '011',
  '081',
  '055',
  '051',
  '010',
  '091',
  '045',
  '041',
  '080',
  '095',
] as const;

const personalDomains = table([
  ['gmail.com', 34],
  ['libero.it', 15],
  ['hotmail.it', 9],
  ['outlook.it', 8],
  ['yahoo.it', 7],
  ['virgilio.it', 5],
  ['alice.it', 5],
  ['icloud.com', 5],
  ['tiscali.it', 3],
  ['fastwebnet.it', 3],
  ['tim.it', 2],
] as const);
const englishDomains = table([
  ['gmail.com', 50],
  ['outlook.com', 15],
  ['yahoo.com', 10],
  ['icloud.com', 12],
  ['hotmail.co.uk', 8],
  ['aol.com', 5],
] as const);

export interface Place {
  city: string;
  province: string;
  postcode: string;
}

export function randomPlace(random: DemoRandom): Place {
  const [city, province, from, to] = random.draw(cities);
  return { city, province, postcode: String(random.int(from, to)).padStart(5, '0') };
}

/** A supply address the way Italian bills print it: "Via Roma 12, 00185 Roma (RM)". */
export function randomAddress(random: DemoRandom, place: Place): string {
  const number = random.int(1, random.chance(0.8) ? 80 : 250);
  const suffix = random.chance(0.08) ? `/${random.pick(['A', 'B', 'C'])}` : '';
  const street = `${random.draw(streetKinds)} ${random.pick(dedications)} ${number}${suffix}`;
  return `${street}, ${place.postcode} ${place.city} (${place.province})`;
}

export function italianMobile(random: DemoRandom): string {
  return `+39${random.pick(mobilePrefixes)}${digits(random, 7)}`;
}

export function italianLandline(random: DemoRandom): string {
  const area = random.pick(landlineAreas);
  return `+39${area}${digits(random, 10 - area.length)}`;
}

export function britishMobile(random: DemoRandom): string {
  return `+447${digits(random, 9)}`;
}

/** An address built from the name, unique within the dataset (`taken` remembers the ones handed out). */
export function emailFor(
  random: DemoRandom,
  person: { firstName: string; lastName: string; english: boolean; business: boolean },
  taken: Set<string>,
): string {
  const first = ascii(person.firstName);
  const last = ascii(person.lastName);
  const local = person.business
    ? random.pick(['info', 'amministrazione', 'contabilita', first])
    : random.pick([`${first}.${last}`, `${first}${last}`, `${first[0] ?? 'x'}.${last}`, `${last}.${first}`]);
  const domain = person.business
    ? `${last}${random.pick(['srl', 'snc', 'sas', 'studio', 'impianti', 'servizi'])}.it`
    : random.draw(person.english ? englishDomains : personalDomains);
  let email = `${local}@${domain}`;
  for (let n = random.int(1, 99); taken.has(email); n++) email = `${local}${n}@${domain}`;
  taken.add(email);
  return email;
}

/** A name as it can appear in an e-mail address: no accents, spaces or apostrophes. */
export function ascii(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '') || 'cliente'
  );
}

function digits(random: DemoRandom, count: number): string {
  let out = String(random.int(1, 9));
  for (let i = 1; i < count; i++) out += String(random.int(0, 9));
  return out;
}
