import type { PackageManager } from './pm.js';
import type { StoreDescriptor } from './stores/index.js';

export const languages = ['ts', 'js'] as const;
export type Language = (typeof languages)[number];

/** Everything the user decided, by prompt or flag. */
export interface Answers {
  /** The target directory as the user typed it. */
  directory: string;
  /** The npm package name of the generated app. */
  projectName: string;
  store: StoreDescriptor;
  lang: Language;
  pm: PackageManager;
  install: boolean;
  git: boolean;
  docker: boolean;
  force: boolean;
  template?: string;
}

export const defaultDirectory = 'my-session-app';
