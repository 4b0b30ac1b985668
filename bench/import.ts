// `channel-pilot import interactions` on a large CSV of realistic contacts: rows/s, and the CLI's
// peak memory beside an import of a header-only file in the same run (to show the file is
// streamed, not held), with the parse rate of the same file alone for comparison.
//
//   node bin/run-ts.mjs bench/import.ts [--rows 1000000] [--postgres URL]
import { spawn } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  writeFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readImportFile } from '../app/import/import-files.ts';
import { freshTarget, openTarget, processCpuMs, seedTarget } from './support.ts';
import { figureLine } from './figures.ts';
import { random, writeContacts } from './contact-files.ts';

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** The largest of the CLI and the processes it started (the embedded PostgreSQL's among them). */
  peakMb: number;
  /** The CLI's own Node process. */
  cliPeakMb: number;
  /** CPU time the CLI's own process used (user and system), as last seen before it ended. */
  cliCpuSeconds: number;
}

const highWaterKb = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/**
 * Runs the CLI, timing it and taking its peak resident memory: of the whole tree from GNU time
 * (else the CLI's alone), and of the CLI's own process from /proc while it runs.
 */
async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const gnuTime = existsSync('/usr/bin/time');
  const command = gnuTime ? '/usr/bin/time' : process.execPath;
  const argv = [...(gnuTime ? ['-v', process.execPath] : []), 'bin/channel-pilot.mjs', ...args];
  const started = performance.now();
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let polledKb = 0;
  let cliCpuMs = 0;
  // Under GNU time, the CLI is time's child.
  let cli = gnuTime ? undefined : child.pid;
  const poll = setInterval(() => {
    try {
      cli ??=
        Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').split(' ')[0]) ||
        undefined;
      if (cli !== undefined) {
        polledKb = Math.max(polledKb, highWaterKb(cli));
        cliCpuMs = processCpuMs(cli);
      }
    } catch {
      // Gone already.
    }
  }, 100);
  const [code] = (await once(child, 'close')) as [number | null];
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  const reportedKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
  return {
    code,
    stdout,
    stderr,
    seconds,
    peakMb: (gnuTime ? reportedKb : polledKb) / 1024,
    cliPeakMb: polledKb / 1024,
    cliCpuSeconds: cliCpuMs / 1000,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export async function importFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  rows?: number;
}): Promise<string[]> {
  const rows = options.rows ?? 1_000_000;
  const target = await freshTarget(options.kind, options.serverUrl);
  const cleanups = [target.cleanup];
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-bench-import-'));
  const env = { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...target.env };
  try {
    await seedTarget(target, { customers: 3000, interactions: 0 });
    const storage = await openTarget(target);
    const customerIds = (await storage.db.selectFrom('customers').select('id').orderBy('id').execute()).map(
      (c) => c.id,
    );
    await storage.close();

    const file = join(dir, 'contacts.csv');
    const empty = join(dir, 'empty.csv');
    await writeContacts(file, rows, customerIds, random(42));
    await writeContacts(empty, 0, customerIds, random(42));
    const megabytes = statSync(file).size / 1024 / 1024;

    // The same file parsed alone, in this process: what reading costs without the database.
    let parsed = 0;
    const parseStart = performance.now();
    for await (const _row of readImportFile(createReadStream(file), { format: 'csv' })) parsed++;
    const parseSeconds = (performance.now() - parseStart) / 1000;

    const base = await runCli(['import', 'interactions', empty, '--source', 'bench_empty'], env);
    const run = await runCli(['import', 'interactions', file, '--source', 'bench_history'], env);
    const expected = `${rows} rows read, ${rows} imported, 0 already there, 0 rejected`;
    if (run.code !== 0 || !run.stdout.includes(expected))
      throw new Error(`import did not import every row:\n${run.stdout}${run.stderr}`);
    const again = await runCli(['import', 'interactions', file, '--source', 'bench_history'], env);
    if (!again.stdout.includes(`${rows} rows read, 0 imported, ${rows} already there`))
      throw new Error(`re-import was not idempotent:\n${again.stdout}${again.stderr}`);

    const importSeconds = run.seconds - base.seconds;
    const label = `import [${target.label}]`;

    // A later import: a tenth as many other contacts of the same customers over the same year,
    // each placed among those already stored.
    const laterRows = Math.round(rows / 10);
    const laterFile = join(dir, 'later.csv');
    await writeContacts(laterFile, laterRows, customerIds, random(43));
    const later = await runCli(['import', 'interactions', laterFile, '--source', 'bench_later'], env);
    if (!later.stdout.includes(`${laterRows} rows read, ${laterRows} imported, 0 already there, 0 rejected`))
      throw new Error(`the later import did not import every row:\n${later.stdout}${later.stderr}`);
    const laterSeconds = later.seconds - base.seconds;

    // The CRM's customers with their codes, then the same contacts as the Italian export, through
    // profiles: a first import too, into a database of its own.
    const italian = await freshTarget(options.kind, options.serverUrl);
    cleanups.push(italian.cleanup);
    const italianEnv = { ...env, ...italian.env };
    const codes = customerIds.map((_id, i) => `C${String(i + 1).padStart(6, '0')}`);
    const crm = join(dir, 'clienti.tsv');
    writeFileSync(
      crm,
      ['Codice\tNome\tCognome\tSegmento\tCellulare\tConsenso privacy\tConsenso SMS']
        .concat(
          codes.map(
            (code, i) =>
              `${code}\tCliente\tN${i}\t${['Famiglia', 'Anziano', 'Giovane'][i % 3]}\t333 ${String(1000000 + i)}\tSì\t${i % 2 ? 'Sì' : 'No'}`,
          ),
        )
        .join('\n'),
    );
    const calls = join(dir, 'chiamate.csv');
    await writeContacts(calls, rows, codes, random(42), 'italian');
    const profile = JSON.parse(readFileSync('docs/examples/calls_crm.json', 'utf8')) as {
      dateFormats: string[];
      values: { channel: Record<string, string>; reason: Record<string, string> };
    };
    profile.values.channel.Lettera = 'paper_mail';
    profile.dateFormats = ['dd/MM/yyyy HH:mm:ss'];
    writeFileSync(join(dir, 'calls_crm.json'), JSON.stringify(profile));
    await runCli(
      ['import', 'profile', 'save', 'docs/examples/crm_customers.json', join(dir, 'calls_crm.json')],
      italianEnv,
    );
    const customers = await runCli(['import', 'customers', crm, '--profile', 'crm_customers'], italianEnv);
    if (!customers.stdout.includes(`${codes.length} new`))
      throw new Error(
        `customer import did not import every customer:\n${customers.stdout}${customers.stderr}`,
      );
    const profiled = await runCli(['import', 'interactions', calls, '--profile', 'calls_crm'], italianEnv);
    if (!profiled.stdout.includes(`${rows} rows read, ${rows} imported, 0 already there, 0 rejected`))
      throw new Error(`the Italian export did not import every row:\n${profiled.stdout}${profiled.stderr}`);
    const profiledSeconds = profiled.seconds - base.seconds;
    const callsMegabytes = statSync(calls).size / 1024 / 1024;

    const figure = `import, ${int(rows)} contacts (CSV, real CLI)`;
    return [
      figureLine({
        figure,
        database: target.label,
        value: Math.round(rows / importSeconds),
        unit: 'rows/s',
        target: 50_000,
        better: 'higher',
      }),
      figureLine({
        figure: `${figure}, peak RSS`,
        database: target.label,
        value: Math.round(run.peakMb),
        unit: 'MB',
        target: 300,
        better: 'lower',
      }),
      figureLine({
        figure: `later import, ${int(laterRows)} contacts into those ${int(rows)} (same customers and year)`,
        database: target.label,
        value: Math.round(laterRows / laterSeconds),
        unit: 'rows/s',
        better: 'higher',
      }),
      figureLine({
        figure: `${figure}, peak RSS of the CLI's own process`,
        database: target.label,
        value: Math.round(run.cliPeakMb),
        unit: 'MB',
        target: 300,
        better: 'lower',
      }),
      `${label} ${int(rows)} contacts of 3,000 customers (${megabytes.toFixed(0)} MB CSV, real CLI): ` +
        `${run.seconds.toFixed(1)} s, ${int(rows / importSeconds)} rows/s after ${base.seconds.toFixed(1)} s of start-up ` +
        `(a header-only file, same run)`,
      `  peak RSS ${run.peakMb.toFixed(0)} MB; header-only import ${base.peakMb.toFixed(0)} MB (×${(run.peakMb / base.peakMb).toFixed(2)}); ` +
        `re-reading the whole ${megabytes.toFixed(0)} MB file, writing nothing, ${again.peakMb.toFixed(0)} MB (×${(again.peakMb / base.peakMb).toFixed(2)})` +
        (target.label === 'embedded'
          ? ' (the largest process: the CLI or the embedded PostgreSQL it started)'
          : ''),
      `  the CLI's own process: peak RSS ${run.cliPeakMb.toFixed(0)} MB, CPU ${run.cliCpuSeconds.toFixed(1)} s; ` +
        `header-only import ${base.cliPeakMb.toFixed(0)} MB, ${base.cliCpuSeconds.toFixed(1)} s; ` +
        `re-reading the whole file ${again.cliPeakMb.toFixed(0)} MB, ${again.cliCpuSeconds.toFixed(1)} s`,
      `  parsing the file alone, in-process: ${int(parsed / parseSeconds)} rows/s; the import runs ×${(parsed / parseSeconds / (rows / importSeconds)).toFixed(1)} slower`,
      `  the same file again: ${int(rows)} already there in ${again.seconds.toFixed(1)} s (${int(rows / (again.seconds - base.seconds))} rows/s), nothing added`,
      `  the same contacts as an Italian export (${callsMegabytes.toFixed(0)} MB: semicolons, Windows-1252, local times, labels, CRM codes) with profile calls_crm: ` +
        `${profiled.seconds.toFixed(1)} s, ${int(rows / profiledSeconds)} rows/s, peak RSS ${profiled.peakMb.toFixed(0)} MB (the CLI's own ${profiled.cliPeakMb.toFixed(0)} MB)`,
      `  a later import of ${int(laterRows)} other contacts of the same customers over the same year, into those ${int(rows)}: ` +
        `${later.seconds.toFixed(1)} s, ${int(laterRows / laterSeconds)} rows/s, peak RSS ${later.peakMb.toFixed(0)} MB (the CLI's own ${later.cliPeakMb.toFixed(0)} MB)`,
      `  ${int(codes.length)} CRM customers with profile crm_customers: ${customers.seconds.toFixed(1)} s (start-up included)`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const cleanup of cleanups) await cleanup();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000000' }, postgres: { type: 'string' } },
  });
  const lines = await importFigures({
    kind: values.postgres ? 'postgres' : 'embedded',
    rows: Number(values.rows),
    ...(values.postgres ? { serverUrl: values.postgres } : {}),
  });
  for (const line of lines) console.log(line);
}
