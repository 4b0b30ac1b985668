import { randomBytes } from 'node:crypto';
import type { Role, StaffDirectory } from '../core/index.ts';
import type { AdvisorRoster } from '../core/services.ts';

/**
 * One staff user per role, with generated passwords that are shown once and stored only as
 * hashes; the advisor login is the first demo advisor's, so it can take their consultations.
 */
export async function createDemoStaff(staff: StaffDirectory, advisors: AdvisorRoster) {
  const users: { username: string; role: Role; password: string }[] = [
    { username: 'advisor', role: 'advisor', password: '' },
    { username: 'manager', role: 'pilot_manager', password: '' },
    { username: 'admin', role: 'admin', password: '' },
  ];
  for (const user of users) {
    user.password = randomBytes(12).toString('base64url');
    const created = await staff.addUser({
      username: user.username,
      displayName: `Demo ${user.role.replace('_', ' ')}`,
      role: user.role,
      password: user.password,
    });
    const [firstAdvisor] = await advisors.advisors();
    if (user.role === 'advisor' && firstAdvisor) await advisors.setStaffUser(firstAdvisor.id, created.id);
  }
  return users;
}

export function formatCredentials(users: { username: string; role: string; password: string }[]): string {
  return [
    'Demo staff logins (shown only this once; store them now):',
    ...users.map((u) => `  ${u.role.padEnd(14)} username ${u.username.padEnd(8)} password ${u.password}`),
  ].join('\n');
}
