import { randomBytes, scrypt, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';

export const roles = ['advisor', 'pilot_manager', 'admin'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

/** What each role may do. Pilot managers work on aggregates, not on individual customers. */
export const permissions = {
  'customers:read': ['advisor', 'admin'],
  'customers:write': ['advisor', 'admin'],
  'interactions:write': ['advisor', 'admin'],
  'catalog:read': ['advisor', 'pilot_manager', 'admin'],
  'imports:read': ['pilot_manager', 'admin'],
  'imports:write': ['pilot_manager', 'admin'],
  'pilots:read': ['pilot_manager', 'admin'],
  'pilots:write': ['pilot_manager', 'admin'],
  'staff:manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof permissions;

/** Failed logins allowed per username within the window, before further attempts are refused. */
export const LOGIN_FAILURE_LIMIT = { attempts: 10, windowMs: 15 * 60_000 };

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

export const StaffUserInput = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._@-]{3,80}$/, { error: 'must be 3–80 letters, digits or . _ @ -' }),
  displayName: z.string().trim().min(1).max(120),
  role: Role,
  password: z.string().min(12, { error: 'must be at least 12 characters' }).max(200),
});
export type StaffUserInput = z.input<typeof StaffUserInput>;

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  createdAt: Date;
  /** When an admin disabled the login; a disabled login neither logs in nor keeps a session. */
  disabledAt: Date | null;
}

export interface StaffSession {
  user: StaffUser;
  expiresAt: Date;
}

/** Port: staff accounts and their login sessions. */
export interface StaffDirectory {
  /** Fails with `conflict` when the username is taken (in any case). */
  addUser(input: StaffUserInput): Promise<StaffUser>;
  /**
   * The user when the password matches, otherwise undefined (same cost either way). After
   * too many failures for a username in a short time, fails with `rate_limited` without
   * checking the password.
   */
  verifyLogin(username: string, password: string): Promise<StaffUser | undefined>;
  /** Returns the secret token for the cookie; only its hash is stored. */
  openSession(userId: string, ttlMs: number): Promise<{ token: string; expiresAt: Date }>;
  session(token: string): Promise<StaffSession | undefined>;
  closeSession(token: string): Promise<void>;
  count(): Promise<number>;
  /** Every staff login, by username, disabled ones included. */
  list(): Promise<StaffUser[]>;
  /** Looks a login up by id or username. */
  find(idOrUsername: string): Promise<StaffUser | undefined>;
  /** Disables a login and ends its sessions; `not_found` for an unknown one. */
  disable(id: string, at: Date): Promise<StaffUser>;
  /**
   * Sets a new password (checked like a new user's), clears its failed logins and ends its
   * sessions; `conflict` for a disabled login, which could not use it (enable it instead).
   */
  resetPassword(id: string, password: string): Promise<StaffUser>;
  /**
   * Lets a disabled login log in again, with a new password (the one it had may be known to
   * others by now); `conflict` for a login that is not disabled.
   */
  enable(id: string, password: string): Promise<StaffUser>;
}

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
// N=2^15, r=8: ~50 ms per hash on this class of machine; memory 32 MiB.
const KDF = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** `scrypt$N$r$p$salt$hash`, so that parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, KDF);
  return ['scrypt', KDF.N, KDF.r, KDF.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: KDF.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** A hash to verify against when the user does not exist, so a wrong username costs as much as a wrong password. */
let decoy: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
