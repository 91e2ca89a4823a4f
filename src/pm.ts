export const packageManagers = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type PackageManager = (typeof packageManagers)[number];

export interface PackageManagerCommands {
  name: PackageManager;
  /** Installs a project's dependencies. */
  install: string;
  /** Prefix that runs a package.json script: `${run} build`. */
  run: string;
  /** Runs a package's binary without installing it. */
  exec: string;
}

const commands: Record<PackageManager, PackageManagerCommands> = {
  npm: { name: 'npm', install: 'npm install', run: 'npm run', exec: 'npx' },
  pnpm: { name: 'pnpm', install: 'pnpm install', run: 'pnpm', exec: 'pnpm dlx' },
  yarn: { name: 'yarn', install: 'yarn install', run: 'yarn', exec: 'yarn dlx' },
  bun: { name: 'bun', install: 'bun install', run: 'bun run', exec: 'bunx' },
};

export function commandsOf(pm: PackageManager): PackageManagerCommands {
  return commands[pm];
}

/** The package manager that launched us (`pnpm create …` sets `pnpm/9.1.0 npm/? node/…`), else npm. */
export function detectPackageManager(userAgent = process.env.npm_config_user_agent): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return packageManagers.find((pm) => pm === name) ?? 'npm';
}
