import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Router } from 'express';
import type { BrowserBundle } from '../../core/index.ts';

// The browser scripts (the channels' and app/web/browser/*), bundled by esbuild when the app
// starts: nothing to build before `npm start`, and what is served always matches the code.

/** The app's own scripts; channels declare theirs in their modules. */
export const appBundles: BrowserBundle[] = [
  { name: 'imports', entry: fileURLToPath(new URL('./browser/import-page.ts', import.meta.url)) },
];

export interface Bundle {
  code: string;
  etag: string;
}

/**
 * Bundles each script once, on first use (`warm` starts them all), and serves them at
 * `/assets/<name>.js`.
 */
export function createBrowserBundles(bundles: readonly BrowserBundle[]) {
  const entries = new Map(bundles.map((b) => [b.name, b.entry]));
  const embeddable = new Set(bundles.filter((b) => b.embeddable).map((b) => b.name));
  const built = new Map<string, Promise<Bundle>>();
  const bundle = (name: string): Promise<Bundle> => {
    let found = built.get(name);
    if (!found) {
      const entry = entries.get(name);
      if (!entry) throw new Error(`no browser script is named ${name}`);
      found = bundleScript(entry);
      built.set(name, found);
      found.catch(() => built.delete(name));
    }
    return found;
  };
  const router = Router();
  router.get('/assets/:file', async (req, res, next) => {
    const name = /^([a-z]+)\.js$/.exec(req.params.file)?.[1];
    if (!name || !entries.has(name)) {
      next();
      return;
    }
    const found = await bundle(name);
    res.setHeader('ETag', found.etag);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (embeddable.has(name)) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.headers['if-none-match'] === found.etag) {
      res.status(304).end();
      return;
    }
    res.type('text/javascript').send(found.code);
  });
  return {
    bundle,
    router,
    warm: () => Promise.all([...entries.keys()].map(bundle)).then(() => undefined),
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
