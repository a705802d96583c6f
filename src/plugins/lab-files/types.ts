/** Shapes the lab-files plugin produces and the lesson components consume. */

/** One file from `labs/` with its own page on the site. */
export interface LabFile {
  /** Path from the repository root, e.g. `labs/policy.ts`. */
  path: string;
  /** Site route of the file's page, without the base URL, e.g. `/labs/policy`. */
  route: string;
  /** Prism language of the file. */
  language: string;
  source: string;
}

/** The module `@generated/lab-files/default/lab-files.json`. */
export interface LabFilesData {
  /** Lab steps that have a script, `labs/<step>.ts`. */
  steps: string[];
  /** Small files the lessons embed inline (policies, KQL, Bicep), by path. */
  files: Record<string, string>;
  /** `labs/transcripts/metrics-series.json` from a real `lab:metrics` run, or null. */
  series: unknown;
}

/** The data of one `/labs/...` source page. */
export interface LabSourcePageData extends LabFile {
  /** The step this script runs, when it is a top-level `labs/<step>.ts`. */
  step?: string;
  /** Lab files this one imports, each with its page route. */
  related: Array<{ path: string; route: string }>;
}
