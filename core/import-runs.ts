import type { ImportKind, ImportSummary } from './import-summary.ts';

export const importKinds = ['interactions', 'customers'] as const satisfies readonly ImportKind[];

/** How an import started: what, from where, by whom. */
export interface ImportRunStart {
  id: string;
  kind: ImportKind;
  source: string;
  profile: string | null;
  fileName: string | null;
  /** The staff user who ran it from the API or the page; null from the CLI. */
  startedBy: string | null;
  startedAt: Date;
  /** The file's size, when known (an upload's Content-Length, a file's size on disk). */
  bytesTotal: number | null;
}

/** One import, running or done, with what it has done so far. */
export interface ImportRun extends ImportRunStart {
  finishedAt: Date | null;
  /** `interrupted`: its process ended before it finished (killed, a crash); it keeps its last progress. */
  status: 'running' | 'done' | 'failed' | 'interrupted';
  bytesRead: number;
  summary: ImportSummary | null;
  error: string | null;
  /** The SHA-256 (hex) of the file's bytes, once read whole (after any Content-Encoding). */
  digest: string | null;
}

/** Port: the history of imports, written as they go so that a page can follow one live. */
export interface ImportRuns {
  /** Fails with `conflict` when the id is taken. */
  start(run: ImportRunStart): Promise<ImportRun>;
  progress(id: string, progress: { bytesRead: number; summary: ImportSummary }): Promise<void>;
  finish(
    id: string,
    end: { at: Date; bytesRead: number; summary: ImportSummary | null; error?: string; digest?: string },
  ): Promise<void>;
  /**
   * The latest import of `kind` that read a file of this digest whole and ended done under a
   * source other than `source`; none when one did under `source` too (the file is that source's).
   */
  copiedElsewhere(kind: ImportKind, digest: string, source: string): Promise<ImportRun | undefined>;
  /** Reading the history marks the runs whose process ended before they finished as interrupted. */
  get(id: string): Promise<ImportRun | undefined>;
  /** Newest first. */
  list(limit: number): Promise<ImportRun[]>;
}
