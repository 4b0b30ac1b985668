import {
  reachableMedia,
  type Account,
  type AccountKind,
  type Consent,
  type ContactMedium,
  type Customer,
  type Locale,
  type Segment,
  type consentSources,
} from '../../core/index.ts';
import type { CustomerRecord } from '../../core/storage/postgres-bulk-loader.ts';
import { isoDate, romeDay, romeTime } from './demo-calendar.ts';
import {
  britishMobile,
  emailFor,
  italianLandline,
  italianMobile,
  randomAddress,
  randomPlace,
} from './demo-places.ts';
import { table, tableOf, type DemoRandom } from './demo-random.ts';

type ConsentSource = (typeof consentSources)[number];

/** What the later phases need to know about a customer, without holding the records. */
export interface CustomerProfile {
  id: string;
  locale: Locale;
  segment: Segment;
  city: string;
  /** Local calendar day (days since epoch) the customer signed up. */
  joinedDay: number;
  /** How often this customer gets in touch, relative to the others. */
  activity: number;
  hasEmail: boolean;
  hasPhone: boolean;
  hasMobile: boolean;
  /** The media the organisation may use to reach them (consented, with an address). */
  reachable: ContactMedium[];
  preferredMedium: ContactMedium | null;
}

export interface DemoCustomer {
  record: CustomerRecord;
  profile: CustomerProfile;
}

const segmentWeights = tableOf<Segment>({
  residential: 44,
  family: 20,
  senior: 16,
  young: 9,
  small_business: 7,
  vulnerable: 4,
});
const emailShare: Record<Segment, number> = {
  residential: 0.82,
  family: 0.85,
  senior: 0.45,
  young: 0.95,
  small_business: 0.98,
  vulnerable: 0.5,
};
const activityBySegment: Record<Segment, number> = {
  residential: 1,
  family: 1.1,
  senior: 1.2,
  young: 0.85,
  small_business: 1.4,
  vulnerable: 1.6,
};
const accountPrefix: Record<AccountKind, string> = {
  electricity: 'EE',
  gas: 'GA',
  water: 'AQ',
  telecom: 'TM',
  broadband: 'BB',
};
const tariffs: Record<AccountKind, { home: string[]; business: string[]; vulnerable: string[] }> = {
  electricity: {
    home: ['Luce Casa Fissa 12', 'Luce Casa Variabile', 'Luce Casa Bioraria Variabile'],
    business: ['Luce Business Fissa', 'Luce Business Variabile'],
    vulnerable: ['Servizio di tutela della vulnerabilità'],
  },
  gas: {
    home: ['Gas Casa Fissa 12', 'Gas Casa Variabile'],
    business: ['Gas Business Variabile'],
    vulnerable: ['Servizio di tutela della vulnerabilità gas'],
  },
  water: {
    home: ['Tariffa domestica residente'],
    business: ['Tariffa uso non domestico'],
    vulnerable: ['Tariffa domestica agevolata'],
  },
  telecom: {
    home: ['Mobile 80 GB', 'Mobile 150 GB'],
    business: ['Mobile Business'],
    vulnerable: ['Mobile 30 GB'],
  },
  broadband: {
    home: ['Fibra FTTH 1 Gbps', 'Fibra FTTC 200 Mbps'],
    business: ['Fibra Business'],
    vulnerable: ['Fibra FTTC 100 Mbps'],
  },
};

export interface CustomerOptions {
  count: number;
  now: Date;
  /** First local day of the billing history: most customers signed up before it. */
  historyStartDay: number;
}

/** Generates customers in a fixed order; the same stream always gives the same people. */
export function generateCustomers(random: DemoRandom, options: CustomerOptions): DemoCustomer[] {
  const today = romeDay(options.now);
  const emails = new Set<string>();
  const customers: DemoCustomer[] = [];
  let accountSeq = 0;
  for (let i = 0; i < options.count; i++) {
    const english = random.chance(0.1);
    const segment = random.draw(segmentWeights);
    const business = segment === 'small_business';
    const person = english ? random.english.person : random.italian.person;
    const sex = random.chance(0.5) ? 'female' : 'male';
    const firstName = person.firstName(sex);
    const lastName = person.lastName(sex);
    const newcomer = random.chance(0.06);
    const joinedDay = newcomer
      ? random.int(options.historyStartDay, today - 30)
      : options.historyStartDay - Math.round(30 + 4200 * random.next() ** 1.3);
    const createdAt = romeTime(isoDate(joinedDay), random.int(9, 18), random.int(0, 59), random.int(0, 59));

    const landline = segment === 'senior' && random.chance(0.35);
    const hasPhone = random.chance(segment === 'senior' ? 0.9 : 0.97);
    const phone = !hasPhone
      ? null
      : landline
        ? italianLandline(random)
        : english && random.chance(0.25)
          ? britishMobile(random)
          : italianMobile(random);
    const email = random.chance(english ? 0.92 : emailShare[segment])
      ? emailFor(random, { firstName, lastName, english, business }, emails)
      : null;
    const customer: Customer = {
      id: random.uuid(),
      firstName,
      lastName,
      locale: english ? 'en-US' : 'it-IT',
      phone,
      email,
      segment,
      preferredMedium: preferredMedium(random, segment, email !== null, phone !== null && !landline),
      createdAt,
    };
    const consents = consentHistory(random, customer, !landline, today, joinedDay);
    const home = randomPlace(random);
    const accounts: Account[] = [];
    const open = (kind: AccountKind, address: string, startedOn: string) => {
      accountSeq += 1;
      const account: Account = {
        id: random.uuid(),
        customerId: customer.id,
        number: `${accountPrefix[kind]}${String(10_000_000 + accountSeq * 37).padStart(9, '0')}`,
        kind,
        supplyAddress: address,
        tariff: random.pick(
          tariffs[kind][business ? 'business' : segment === 'vulnerable' ? 'vulnerable' : 'home'],
        ),
        startedOn,
        closedOn: null,
      };
      accounts.push(account);
      return account;
    };
    const homeAddress = randomAddress(random, home);
    const kinds = accountKinds(random, segment);
    for (const kind of kinds) {
      const later = kind === 'telecom' || kind === 'broadband' ? random.int(0, 400) : 0;
      open(kind, homeAddress, isoDate(Math.max(joinedDay, Math.min(joinedDay + later, today - 60))));
    }
    // Some customers moved house during the history: their supplies close and reopen elsewhere.
    if (!newcomer && random.chance(0.03)) {
      const moveDay = random.int(options.historyStartDay + 60, today - 45);
      const address = randomAddress(random, random.chance(0.3) ? randomPlace(random) : home);
      for (const old of [...accounts]) {
        if (old.kind === 'telecom' || old.kind === 'broadband') continue;
        old.closedOn = isoDate(moveDay);
        open(old.kind, address, isoDate(moveDay + 1));
      }
    }
    const profile: CustomerProfile = {
      id: customer.id,
      locale: customer.locale,
      segment,
      city: home.city,
      joinedDay,
      activity: activityBySegment[segment] * random.logNormal(1, 0.8),
      hasEmail: email !== null,
      hasPhone: phone !== null,
      hasMobile: phone !== null && !landline,
      reachable: reachableMedia(customer, consents),
      preferredMedium: customer.preferredMedium,
    };
    customers.push({ record: { customer, consents, accounts }, profile });
  }
  return customers;
}

function accountKinds(random: DemoRandom, segment: Segment): AccountKind[] {
  const kinds: AccountKind[] = [];
  if (random.chance(0.88)) kinds.push('electricity');
  if (random.chance(segment === 'small_business' ? 0.5 : 0.68)) kinds.push('gas');
  if (kinds.length === 0) kinds.push(random.chance(0.7) ? 'electricity' : 'gas');
  if (random.chance(0.12)) kinds.push('water');
  if (random.chance(segment === 'young' ? 0.2 : 0.07)) kinds.push('telecom');
  if (random.chance(segment === 'senior' ? 0.04 : 0.11)) kinds.push('broadband');
  return kinds;
}

function preferredMedium(
  random: DemoRandom,
  segment: Segment,
  hasEmail: boolean,
  hasMobile: boolean,
): ContactMedium | null {
  if (random.chance(0.25)) return null;
  const older = segment === 'senior' || segment === 'vulnerable';
  return random.draw(
    tableOf<ContactMedium>({
      email: hasEmail ? (older ? 10 : 45) : 0,
      sms: hasMobile ? (segment === 'young' ? 35 : 18) : 0,
      phone: older ? 40 : 22,
      post: older ? 35 : 8,
    }),
  );
}

const signupSources = {
  legacy: table<ConsentSource>([
    ['import', 50],
    ['paper_form', 30],
    ['shop', 15],
    ['call_recording', 5],
  ]),
  recent: tableOf<ConsentSource>({ web_form: 38, app: 10, shop: 22, call_recording: 20, paper_form: 10 }),
};
const laterSources = tableOf<ConsentSource>({ web_form: 40, app: 25, call_recording: 25, shop: 10 });

/** Consent at sign-up for processing and each medium, then and again later for a few. */
function consentHistory(
  random: DemoRandom,
  customer: Customer,
  mobile: boolean,
  today: number,
  joinedDay: number,
): Consent[] {
  const legacy = today - joinedDay > 8 * 365;
  const source = random.draw(legacy ? signupSources.legacy : signupSources.recent);
  const consent = (
    purpose: Consent['purpose'],
    medium: ContactMedium | null,
    granted: boolean,
    givenAt: Date,
    from: ConsentSource,
  ): Consent => ({
    id: random.uuid(),
    customerId: customer.id,
    purpose,
    medium,
    granted,
    givenAt,
    source: from,
  });
  const history = [consent('data_processing', null, random.chance(0.99), customer.createdAt, source)];
  const offered: [ContactMedium, number][] = [['post', 0.92]];
  if (customer.email) offered.unshift(['email', 0.78]);
  if (customer.phone) offered.push(['phone', 0.45]);
  if (customer.phone && mobile) offered.push(['sms', 0.7]);
  for (const [medium, share] of offered) {
    history.push(consent('contact', medium, random.chance(share), customer.createdAt, source));
  }
  if (random.chance(0.08) && today - joinedDay > 2) {
    const changed = random.pick(history.slice(1));
    const at = romeTime(isoDate(random.int(joinedDay + 1, today - 1)), random.int(8, 21), random.int(0, 59));
    history.push(consent('contact', changed.medium, !changed.granted, at, random.draw(laterSources)));
  }
  return history;
}
