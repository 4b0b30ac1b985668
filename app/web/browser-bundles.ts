import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The browser scripts (video/browser/*, app/web/browser/*), bundled with livekit-client by esbuild when the app
// starts: nothing to build before `npm start`, and what is served always matches the code.

const entries = {
  consultation: '../../video/browser/consultation-page.ts',
  console: '../../video/browser/advisor-console.ts',
  imports: './browser/import-page.ts',
} as const;
export type BundleName = keyof typeof entries;
export const bundleNames = Object.keys(entries) as BundleName[];

export interface Bundle {
  code: string;
  etag: string;
}

/** Bundles each script once, on first use (`warm` starts them all). */
export function createBrowserBundles() {
  const built = new Map<BundleName, Promise<Bundle>>();
  const bundle = (name: BundleName): Promise<Bundle> => {
    let found = built.get(name);
    if (!found) {
      found = bundleScript(fileURLToPath(new URL(entries[name], import.meta.url)));
      built.set(name, found);
      found.catch(() => built.delete(name));
    }
    return found;
  };
  return {
    bundle,
    warm: () => Promise.all(bundleNames.map(bundle)).then(() => undefined),
  };
}
export type BrowserBundles = ReturnType<typeof createBrowserBundles>;

async function bundleScript(file: string): Promise<Bundle> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 22)}"` };
}
