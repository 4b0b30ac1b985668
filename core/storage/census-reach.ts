import { REACH_REGISTER_BITS } from './census-rollup-sql.ts';

// Distinct customers over many days from the days' reach: sets of 32-bit customer hashes while a
// day is small (their union counts exactly, up to hash collisions: about one in 100,000 customers
// at 100,000), HyperLogLog registers once a day holds more (an estimate, 1.6% standard error).

export const REACH_REGISTERS = 1 << REACH_REGISTER_BITS;
const REST_BITS = 32 - REACH_REGISTER_BITS;

/** The relative standard error of a count once it is an estimate: 1.04 / √registers. */
export const REACH_STANDARD_ERROR = 1.04 / Math.sqrt(REACH_REGISTERS);

/** The same register and rank the database gives a hash (census_reach_registers; the census reads its hashes so too). */
export function addHash(registers: Uint8Array, hash: number) {
  const index = hash & (REACH_REGISTERS - 1);
  const rest = (hash >>> REACH_REGISTER_BITS) & ((1 << REST_BITS) - 1);
  const rank = rest === 0 ? REST_BITS + 1 : Math.clz32(rest) - REACH_REGISTER_BITS + 1;
  if (registers[index]! < rank) registers[index] = rank;
}

/** Registers merged by their highest rank: days' registers into `into`. */
export function mergeRegisters(into: Uint8Array, registers: Uint8Array) {
  for (let i = 0; i < REACH_REGISTERS; i++) if (registers[i]! > into[i]!) into[i] = registers[i]!;
}

/** HyperLogLog's estimate, with linear counting while registers are still empty (small sets). */
export function estimateReach(registers: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (const r of registers) {
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / REACH_REGISTERS);
  const raw = (alpha * REACH_REGISTERS * REACH_REGISTERS) / sum;
  return Math.round(
    raw <= 2.5 * REACH_REGISTERS && zeros > 0 ? REACH_REGISTERS * Math.log(REACH_REGISTERS / zeros) : raw,
  );
}
