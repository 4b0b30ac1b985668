// The CLI's sources as one bundle (esbuild; npm packages stay imports), rebuilt when one of the
// files it was built from has changed. Loading one file starts the CLI in less time and memory
// than transforming every source file as it is imported.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}node_modules/.cache/channel-pilot`;
const bundle = `${dir}/cli.mjs`;
const inputsFile = `${dir}/cli-inputs.json`;

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
    outfile: bundle,
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
  put(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  for (const file of result.outputFiles.filter((f) => f.path.endsWith('.map'))) put(file.path, file.contents);
  put(bundle, result.outputFiles.find((f) => f.path === bundle).contents);
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
