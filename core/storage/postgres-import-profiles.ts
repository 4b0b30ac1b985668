import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../clock.ts';
import { ImportProfile, type ImportProfileStore, type SavedImportProfile } from '../import-profiles.ts';
import { parseInput } from '../validation.ts';
import type { Database, ImportProfilesTable } from './schema.ts';

export function createPostgresImportProfiles(db: Kysely<Database>, clock: Clock): ImportProfileStore {
  return {
    async save(input) {
      const profile = parseInput(ImportProfile, input, 'import profile');
      const row = { name: profile.name, profile: JSON.stringify(profile), updated_at: clock.now() };
      const saved = await db
        .insertInto('import_profiles')
        .values(row)
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({ profile: row.profile, updated_at: row.updated_at }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSaved(saved);
    },
    async get(name) {
      const row = await db
        .selectFrom('import_profiles')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toSaved(row);
    },
    async list() {
      const rows = await db.selectFrom('import_profiles').selectAll().orderBy('name').execute();
      return rows.map(toSaved);
    },
    async remove(name) {
      const result = await db.deleteFrom('import_profiles').where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function toSaved(row: Selectable<ImportProfilesTable>): SavedImportProfile {
  // Parsed again: a profile saved by an older version gains the defaults of fields added since.
  return { profile: ImportProfile.parse(row.profile), updatedAt: row.updated_at };
}
