import type { Kysely, Selectable } from 'kysely';
import { ChannelInput, type Channel, type ChannelRegistry } from '../channels.ts';
import { parseInput } from '../validation.ts';
import type { ChannelsTable, Database } from './schema.ts';

export function createPostgresChannelRegistry(db: Kysely<Database>): ChannelRegistry {
  return {
    async register(input) {
      const channel = parseInput(ChannelInput, input, 'channel');
      const row = {
        code: channel.code,
        name: channel.name,
        kind: channel.kind,
        staffed: channel.staffed,
        touchpoints: JSON.stringify(channel.touchpoints),
      };
      await db
        .insertInto('channels')
        .values(row)
        .onConflict((oc) =>
          oc.column('code').doUpdateSet({
            name: row.name,
            kind: row.kind,
            staffed: row.staffed,
            touchpoints: row.touchpoints,
          }),
        )
        .execute();
      return channel;
    },
    async channels() {
      const rows = await db.selectFrom('channels').selectAll().orderBy('kind').orderBy('code').execute();
      return rows.map(toChannel);
    },
    async channel(code) {
      const row = await db.selectFrom('channels').selectAll().where('code', '=', code).executeTakeFirst();
      return row && toChannel(row);
    },
  };
}

function toChannel(row: Selectable<ChannelsTable>): Channel {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind as Channel['kind'],
    staffed: row.staffed,
    touchpoints: row.touchpoints,
  };
}
