#!/usr/bin/env node
/**
 * Prints, one per line, the services `scripts/services.sh all` starts for the store
 * catalogue: `managedServices()` of src/stores (each descriptor's `server`: the managed store
 * servers, then the several-instances servers built on them). The TypeScript is bundled in
 * memory with esbuild (a devDependency), so this needs `npm ci` first; services.sh falls back
 * to its own copy of the list without it, and test/unit/catalogue.test.ts keeps the two equal.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('../src/stores/index.ts', import.meta.url));
const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
const code = result.outputFiles[0].text;
const catalogue = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
process.stdout.write(catalogue.managedServices().join('\n') + '\n');
