// The false-positive rate under daily peeking, for the README: pilots with no true effect, read
// every day and stopped at the first significant difference, with the fixed-horizon test and with
// the always-valid intervals.
//   node bin/run-ts.mjs bench/peeking.ts
import { cohortAccumulating, customersArriving } from '../test/support/peeking.ts';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const report = (what: string, r: { experiments: number; fixed: number; sequential: number }) =>
  console.log(
    `${what} (${r.experiments} pilots): fixed-horizon ${percent(r.fixed)}, always-valid ${percent(r.sequential)}`,
  );

report(
  'customers joining daily, 25 per arm per day, read daily for 30 days',
  customersArriving({ seed: 1, experiments: 2000, days: 30, perDay: 25 }),
);
report(
  'a cohort of 200 per arm enrolled at the start, contacts accumulating, read daily for 8 weeks',
  cohortAccumulating({ seed: 2, experiments: 1000, days: 56, customers: 200 }),
);
