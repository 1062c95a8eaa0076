/**
 * Property tests in `npm test` run with a fixed fast-check seed so that CI is reproducible: a
 * failure there is a real regression, not a new random draw. Explore other draws with
 * FC_SEED=<n> npm test (or FC_SEED=random); `npm run fuzz` is the long randomised run.
 */
import fc from 'fast-check';

const env = process.env['FC_SEED'];
if (env !== 'random') {
  const seed = env === undefined ? 20261124 : Number(env);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${env}`);
  fc.configureGlobal({ seed });
}
