/**
 * What the site knows about the labs, read from the JSON module the lab-files plugin writes at
 * build time: which lab steps have a script, the files lessons embed, the captured metrics series.
 */
import data from '@generated/lab-files/default/lab-files.json';
import { labFileRoute } from '@site/src/plugins/lab-files/routes.ts';

export const labSteps: readonly string[] = data.steps;
export const metricsSeries: unknown = data.series;

export function labScriptPath(step: string): string {
  return `labs/${step}.ts`;
}

/** The page that shows `labs/<step>.ts`, or undefined while that script does not exist. */
export function labScriptRoute(step: string): string | undefined {
  return labSteps.includes(step) ? labFileRoute(labScriptPath(step)) : undefined;
}

/** Text of a small lab file the lessons embed (policy XML, KQL, Bicep), or undefined. */
export function labFileText(path: string): string | undefined {
  return data.files[path];
}

export { labFileRoute };
