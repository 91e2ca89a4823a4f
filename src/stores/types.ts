import type { PackageName } from '../versions.js';

export const strategies = ['memory', 'cookie', 'cache', 'database'] as const;
export type Strategy = (typeof strategies)[number];

export interface EnvVar {
  name: string;
  /** Written to the generated `.env`. */
  value: string;
  /** Written to `.env.example`. */
  example: string;
  description: string;
}

/** A docker-compose service for a store that needs a server. */
export interface ComposeService {
  name: string;
  image: string;
  port: number;
  environment: Record<string, string>;
  healthcheck: string[];
  /** Named volume and the container path it is mounted on, where data should persist. */
  volume?: { name: string; path: string };
}

export interface StoreDescriptor {
  id: string;
  label: string;
  strategy: Strategy;
  /** One line for prompts and the `stores` listing. */
  hint: string;
  /** The library that puts `req.session` on requests. */
  sessionLibrary: 'express-session' | 'cookie-session' | 'client-sessions' | 'iron-session';
  dependencies: PackageName[];
  /** Type packages needed in TypeScript projects only. */
  typeDependencies: PackageName[];
  env: EnvVar[];
  service?: ComposeService;
  /** Kept for users who ask for it by name; not recommended for new apps. */
  legacy: boolean;
  /** Sessions survive an app restart. */
  persistent: boolean;
  /** Several app instances see the same sessions. */
  sharedAcrossInstances: boolean;
  /** Plain-language facts the generated README and the listing repeat. */
  notes: string[];
}
