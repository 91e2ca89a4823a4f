import { fileURLToPath } from 'node:url';
import { precompileTemplates } from '../../build/precompile.js';

/** The built-ins precompiled as the build does (dist/templates/), so tests render what ships. */
export default function setup(): void {
  const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
  precompileTemplates(root('templates'), root('dist/templates'));
}
