/**
 * Where a lab file's page lives: `labs/doctor.ts` → `/labs/doctor`,
 * `labs/policies/openai-api.xml` → `/labs/policies/openai-api-xml`. Shared by the plugin and the
 * browser components (no Node imports here).
 */
export function labFileRoute(labPath: string): string {
  const withoutTs = labPath.endsWith('.ts') ? labPath.slice(0, -3) : labPath;
  return `/${withoutTs.replaceAll('.', '-')}`;
}
