import type { KyselyPlugin } from 'kysely';

/**
 * Counts every statement a Kysely instance with `plugin` sends (each is one round trip to the
 * database): a result comes back once per statement, whereas subqueries are transformed one by
 * one. Set `count` to 0 before what is counted.
 */
export function statementCounter(): { count: number; plugin: KyselyPlugin } {
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => node,
    transformResult: async ({ result }) => {
      counter.count++;
      return result;
    },
  };
  const counter = { count: 0, plugin };
  return counter;
}
