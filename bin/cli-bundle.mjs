// The CLI's sources as one bundle (esbuild; npm packages stay imports), rebuilt when one of the
// files it was built from has changed. Loading one file starts the CLI in less time and memory
// than transforming every source file as it is imported. What a command imports only when it
// runs (the server, the channels, the seed) is split into chunks of its own, so that a command
// that needs none of them (an import, a backup) loads neither them nor their packages.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// A folder per checkout: two checkouts that share node_modules (a link to one of them, to compare
// two versions) would otherwise share one bundle, the newest either has built.
const dir = `${root}node_modules/.cache/channel-pilot/${createHash('sha256').update(root).digest('hex').slice(0, 16)}`;
const bundle = `${dir}/cli.mjs`;
const inputsFile = `${dir}/cli-inputs.json`;
/** How long a chunk no build names any more is kept for processes started before that build. */
const STALE_CHUNK_MS = 24 * 3600_000;

/** The bundle's URL, built first when it is missing or older than a file it was built from. */
export async function cliBundle() {
  if (!fresh()) await rebuild();
  return pathToFileURL(bundle).href;
}

function fresh() {
  if (!existsSync(bundle) || !existsSync(inputsFile)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  return inputs.every((input) => {
    const path = `${root}${input}`;
    return existsSync(path) && statSync(path).mtimeMs <= builtAt;
  });
}

async function rebuild() {
  mkdirSync(dir, { recursive: true });
  const result = await build({
    entryPoints: [`${root}app/cli.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    splitting: true,
    outdir: dir,
    entryNames: 'cli',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'error',
    plugins: [ownUrls],
  });
  // Each file is written beside and renamed: processes starting at once never load half a file.
  const put = (path, contents) => {
    writeFileSync(`${path}.${process.pid}`, contents);
    renameSync(`${path}.${process.pid}`, path);
  };
  // Chunks are named by their content: the entry, written last, only ever names chunks written.
  put(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  for (const file of result.outputFiles.filter((f) => f.path !== bundle)) put(file.path, file.contents);
  put(bundle, result.outputFiles.find((f) => f.path === bundle).contents);
  // Chunks of earlier builds go once no process started from them can still be loading one.
  const written = new Set(result.outputFiles.map((f) => f.path));
  for (const name of readdirSync(dir).filter((n) => n.startsWith('chunk-'))) {
    const path = `${dir}/${name}`;
    const changedAt = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (!written.has(path) && changedAt < Date.now() - STALE_CHUNK_MS) rmSync(path, { force: true });
  }
}

// A module that finds files beside itself (`new URL('./x', import.meta.url)`) keeps finding them
// there once bundled: its own URL is written into it.
const ownUrls = {
  name: 'own-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};
