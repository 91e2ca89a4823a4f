import packageJson from '../package.json' with { type: 'json' };

export const generator = { name: packageJson.name, version: packageJson.version };
