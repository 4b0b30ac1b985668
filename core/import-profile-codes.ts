import type { ChannelRegistry } from './channels.ts';
import {
  ImportProfile,
  type ImportProfileInput,
  type ImportProfileStore,
  type SavedImportProfile,
} from './import-profiles.ts';
import { createLabelMap } from './import-values.ts';
import { directions, importOutcomes } from './interactions.ts';
import { invalidInput, type FieldIssue } from './errors.ts';
import { describeIssues, parseInput } from './validation.ts';
import { contactMedia, locales, segments } from './vocabulary.ts';

/**
 * Saves a profile once the codes it names exist: every code its labels map to, its defaults and
 * its touchpoints per channel. A profile naming a channel, an outcome or a touchpoint that does
 * not exist would have every row it reads rejected; it is refused instead, naming each.
 */
export async function saveImportProfile(
  stores: { importProfiles: ImportProfileStore; channels: ChannelRegistry },
  input: ImportProfileInput | unknown,
  /** Put before each issue's path (`body.` for a request's body). */
  at = '',
): Promise<SavedImportProfile> {
  const profile = parseInput(ImportProfile, input, 'import profile');
  const issues = profileCodeIssues(profile, await stores.channels.channels()).map((i) => ({
    ...i,
    path: `${at}${i.path}`,
  }));
  if (issues.length > 0)
    throw invalidInput(`invalid import profile ${profile.name}: ${describeIssues(issues)}`, issues);
  return stores.importProfiles.save(profile);
}

/** What a profile names that is no code of the product (reasons aside: an import may add them). */
export function profileCodeIssues(
  profile: ImportProfile,
  channels: readonly { code: string; name: string; touchpoints: readonly { code: string; name: string }[] }[],
): FieldIssue[] {
  const everyTouchpoint = [...new Set(channels.flatMap((c) => c.touchpoints.map((t) => t.code)))];
  const choices: Partial<
    Record<string, { what: string; codes: readonly string[]; names?: [string, string][] }>
  > = {
    channel: {
      what: 'a registered channel',
      codes: channels.map((c) => c.code).sort(),
      names: channels.map((c) => [c.name, c.code]),
    },
    touchpoint: {
      what: 'a touchpoint of any channel',
      codes: everyTouchpoint,
      names: channels.flatMap((c) => c.touchpoints.map((t) => [t.name, t.code] as [string, string])),
    },
    direction: { what: 'a direction', codes: directions },
    outcome: { what: 'an outcome of an import', codes: importOutcomes },
    segment: { what: 'a segment', codes: segments },
    locale: { what: 'a locale', codes: locales },
    preferred_medium: { what: 'a contact medium', codes: contactMedia },
  };
  const issues: FieldIssue[] = [];
  const not = (path: string, value: string, what: string, codes: readonly string[]) =>
    issues.push({ path, message: `${value} is not ${what} (${codes.join(', ')})` });

  for (const [column, labels] of Object.entries(profile.values)) {
    const choice = choices[column];
    if (!choice || !labels) continue;
    for (const [label, code] of Object.entries(labels))
      if (!choice.codes.includes(code)) not(`values.${column}.${label}`, code, choice.what, choice.codes);
  }
  // A default is read as a row's value would be: a code, however spelt, a name, or a label mapped.
  for (const [column, value] of Object.entries(profile.defaults)) {
    const choice = choices[column];
    if (!choice || !value) continue;
    const known = createLabelMap([
      ...choice.codes.map((code) => [code, code] as const),
      ...(choice.names ?? []),
      ...Object.entries(profile.values[column as keyof ImportProfile['values']] ?? {}),
    ]);
    if (known.get(value) === undefined) not(`defaults.${column}`, value, choice.what, choice.codes);
  }
  for (const [channel, touchpoint] of Object.entries(profile.touchpoints)) {
    const found = channels.find((c) => c.code === channel);
    if (!found) not(`touchpoints.${channel}`, channel, choices.channel!.what, choices.channel!.codes);
    else if (!found.touchpoints.some((t) => t.code === touchpoint))
      not(
        `touchpoints.${channel}`,
        touchpoint,
        `a touchpoint of ${channel}`,
        found.touchpoints.map((t) => t.code),
      );
  }
  return issues;
}
