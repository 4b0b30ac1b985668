/** Who made a change: a staff user, or a named part of the system (the command line, the guardrail check). */
export interface Actor {
  id: string | null;
  name: string;
}

export const pilotChangeActions = ['defined', 'revised', 'status', 'rated', 'guardrail'] as const;

/** One change to a pilot, as its audit trail shows it. */
export interface PilotChange {
  pilotId: string;
  at: Date;
  actor: Actor;
  action: (typeof pilotChangeActions)[number];
  /** What changed, in words ("running → paused", "rated significant 4/5: …"). */
  summary: string;
}

/** Port: a pilot's audit trail, and the daily guardrail check's bookkeeping. */
export interface PilotLog {
  record(change: PilotChange): Promise<void>;
  /** Oldest first. */
  changes(pilotId: string): Promise<PilotChange[]>;
  /**
   * Claims the pilot's guardrail check for a day (in the reference zone); false when it was
   * claimed already, by this instance or another.
   */
  claimGuardrailCheck(pilotId: string, day: string, at: Date): Promise<boolean>;
  /** Records what the claimed check found. */
  finishGuardrailCheck(pilotId: string, day: string, breached: boolean): Promise<void>;
}

/** A staff user as the author of a change (the command line and the system when there is none). */
export function staffActor(
  user: { id: string; displayName: string } | undefined,
  otherwise = 'system',
): Actor {
  return user ? { id: user.id, name: user.displayName } : { id: null, name: otherwise };
}

/** "endsOn 2026-06-30 → 2026-07-31; cohort.rolloutPercent 10 → 20": what a revision changed. */
export function describeRevision(before: object, after: object): string {
  // Objects and lists of objects field by field (key order varies with storage); plain lists whole.
  const flat = (value: unknown, prefix: string, out: Map<string, string>) => {
    const nested =
      value !== null &&
      typeof value === 'object' &&
      (!Array.isArray(value) || value.some((v) => v !== null && typeof v === 'object'));
    if (nested) {
      for (const [key, inner] of Object.entries(value)) flat(inner, prefix ? `${prefix}.${key}` : key, out);
    } else out.set(prefix, JSON.stringify(value));
    return out;
  };
  const old = flat(before, '', new Map());
  const changed = [...flat(after, '', new Map())]
    .filter(([key, value]) => old.get(key) !== value)
    .map(([key, value]) => `${key} ${old.get(key) ?? '–'} → ${value}`);
  return changed.length > 0 ? `revised ${changed.join('; ')}` : 'saved the definition unchanged';
}
