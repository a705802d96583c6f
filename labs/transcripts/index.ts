/**
 * Transcripts of real lab runs, keyed by step name, shown on the lesson pages by
 * `ExpectedOutput`. Written by `npm run labs:capture`; a step without a transcript shows nothing.
 */
export const transcripts: Record<string, string> = {};
