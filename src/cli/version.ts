import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The package version (package.json is one level above dist/ and src/). */
export const VERSION: string = (() => {
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
