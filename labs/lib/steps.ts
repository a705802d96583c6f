/** The lab steps in lesson order, each run as `npm run lab:<step>` from `labs/<step>.ts`. */
export const LAB_STEPS = [
  'doctor',
  'setup',
  'app-insights',
  'import-api',
  'inspect',
  'monitoring',
  'policy',
  'traffic',
  'metrics',
  'cleanup',
] as const;

export type LabStep = (typeof LAB_STEPS)[number];

/** What `npm run labs` runs: every step but cleanup, in order. */
export const ALL_BUT_CLEANUP: LabStep[] = LAB_STEPS.filter((step) => step !== 'cleanup');
