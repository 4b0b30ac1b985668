import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { ensureDebianTool } from './debian-tools.ts';

// jsqr is CommonJS whose typings claim an ES default export; Node hands over module.exports.
const jsQR = jsQRModule.default;

const tool = (name: string) =>
  ensureDebianTool({
    path: `/usr/bin/${name}`,
    debianPackage: 'poppler-utils',
    neededBy: 'The bill document tests',
  });

/** A PDF's first page as pdftoppm (Debian's poppler-utils) renders it, at `dpi`. */
export function firstPageImage(pdf: Buffer, dpi = 150): PNG {
  const dir = mkdtempSync(join(tmpdir(), 'bill-pdf-'));
  try {
    writeFileSync(join(dir, 'bill.pdf'), pdf);
    execFileSync(
      tool('pdftoppm'),
      ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', 'bill.pdf', 'page'],
      {
        cwd: dir,
        timeout: 30_000,
      },
    );
    return PNG.sync.read(readFileSync(join(dir, 'page.png')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of a PDF as pdftotext reads it, page by page. */
export function pdfText(pdf: Buffer): string {
  return execFileSync(tool('pdftotext'), ['-layout', '-', '-'], { input: pdf, timeout: 30_000 }).toString(
    'utf8',
  );
}

/** The QR code found in a part of an image (fractions of its width and height), decoded; null if none. */
export function readQr(
  image: PNG,
  part: { left: number; top: number; right: number; bottom: number },
): string | null {
  const x0 = Math.floor(image.width * part.left);
  const y0 = Math.floor(image.height * part.top);
  const width = Math.floor(image.width * part.right) - x0;
  const height = Math.floor(image.height * part.bottom) - y0;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    pixels.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  const code = jsQR(pixels, width, height);
  return code ? new TextDecoder().decode(new Uint8Array(code.binaryData)) : null;
}

/** Saves a rendered page beside the browser tests' screenshots, for people to look at. */
export function keepImage(image: PNG, name: string): void {
  writeFileSync(join(import.meta.dirname, '..', 'e2e', 'screenshots', name), PNG.sync.write(image));
}
