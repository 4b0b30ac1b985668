#!/usr/bin/env node
// The CLI runs from a bundle of the TypeScript sources, rebuilt when they change (a source map
// beside it: `NODE_OPTIONS=--enable-source-maps` puts the sources' lines in stack traces).
import { cliBundle } from './cli-bundle.mjs';

await import(await cliBundle());
