import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// SciPy and statsmodels as an independent implementation to check the statistics against. They
// live in a small virtual environment of their own (.cache/stats-python, made on first use from
// PyPI); when Python or PyPI cannot be had the tests that need them fail naming why — they never
// skip.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VENV = `${ROOT}.cache/stats-python`;
const PYTHON = `${VENV}/bin/python`;
const LOCK = `${ROOT}.cache/stats-python.lock`;
const PACKAGES = ['scipy', 'statsmodels'];

function run(command: string, args: string[], input?: string) {
  return spawnSync(command, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
}

function ready(): boolean {
  return existsSync(PYTHON) && run(PYTHON, ['-c', 'import scipy, statsmodels']).status === 0;
}

/** Makes the environment if it is missing (one test file at a time), and returns its Python. */
export async function statsPython(): Promise<string> {
  if (ready()) return PYTHON;
  mkdirSync(`${ROOT}.cache`, { recursive: true });
  // Another test file may be making it: wait for its lock to go (up to 10 minutes).
  for (let waited = 0; ; waited += 1000) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (waited > 600_000) throw new Error(`${LOCK} stayed locked for 10 minutes; remove it and retry`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (ready()) return PYTHON;
    }
  }
  try {
    if (ready()) return PYTHON;
    const python = run('python3', ['--version']);
    if (python.status !== 0) {
      throw new Error('The statistics reference tests need python3 (with venv and pip): install python3');
    }
    rmSync(VENV, { recursive: true, force: true });
    const steps: [string, string[]][] = [
      ['python3', ['-m', 'venv', VENV]],
      [PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PACKAGES]],
    ];
    for (const [command, args] of steps) {
      const done = run(command, args);
      if (done.status !== 0) {
        throw new Error(
          `Could not set up SciPy and statsmodels for the reference tests: \`${command} ${args.join(' ')}\` exited ${done.status}:\n${done.stdout}${done.stderr}`,
        );
      }
    }
    if (!ready()) throw new Error(`${PYTHON} cannot import scipy and statsmodels after installing them`);
    return PYTHON;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Runs a Python script that reads JSON on stdin and prints JSON; returns what it printed. */
export function python<T>(interpreter: string, script: string, input: unknown): T {
  const done = run(interpreter, ['-c', script], JSON.stringify(input));
  if (done.status !== 0)
    throw new Error(`the Python reference failed (exit ${done.status}):\n${done.stderr}`);
  return JSON.parse(done.stdout) as T;
}
