import { builtinTemplatesDir, loadTemplateTree } from './template-loader.js';
import type { Language } from './answers.js';
import type { TemplateTree } from './plan/templates.js';

/**
 * The built-in templates one store uses, read from templates/. The published bundle replaces
 * this module with build/builtin-templates.js, which takes them precompiled for `lang` from dist/.
 */
export function builtinTemplateTree(storeId: string, _lang: Language): TemplateTree {
  return loadTemplateTree(builtinTemplatesDir, storeId, 'templates');
}
