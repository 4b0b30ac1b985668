import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * Makes sure a program from Debian's packages is installed, installing its package when it is
 * missing and this user may (root). Throws — never skips — naming what is missing and the
 * command that fixes it.
 */
export function ensureDebianTool(options: { path: string; debianPackage: string; neededBy: string }): string {
  const { path, debianPackage, neededBy } = options;
  if (isExecutable(path)) return path;
  const install = `apt-get update && apt-get install -y ${debianPackage}`;
  if (process.getuid?.() === 0) {
    const run = spawnSync('bash', ['-c', `DEBIAN_FRONTEND=noninteractive ${install}`], { encoding: 'utf8' });
    if (run.status === 0 && isExecutable(path)) return path;
    throw new Error(
      `${path} is missing and \`${install}\` failed (exit ${run.status}):\n${run.stdout}${run.stderr}`,
    );
  }
  throw new Error(`${neededBy} need ${path}. Install it with: sudo ${install}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
