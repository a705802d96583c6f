/**
 * Copies the files main.bicep loads with `loadTextContent` into main.json, as `az bicep build`
 * does: the OpenAPI document into the API's `value` and the token-metrics policy into the API
 * policy's `value`. Run it after changing either file:
 *
 *   node --import tsx labs/infra/inline-files.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Resource type → the file its `properties.value` holds (paths as main.bicep writes them). */
const INLINED: Record<string, string> = {
  'Microsoft.ApiManagement/service/apis': '../specs/azure-openai-inference.json',
  'Microsoft.ApiManagement/service/apis/policies': '../policies/openai-api-token-metrics.xml',
};

const templatePath = here('./main.json');
const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { resources: Array<{ type: string; properties: { value?: string } }> };
let changed = 0;
for (const resource of template.resources) {
  const file = INLINED[resource.type];
  if (file === undefined) continue;
  const text = readFileSync(here(file), 'utf8');
  if (resource.properties.value !== text) changed += 1;
  resource.properties.value = text;
}
writeFileSync(templatePath, JSON.stringify(template, null, 2) + '\n');
console.log(changed === 0 ? 'main.json already inlines the current files.' : `main.json updated: ${changed} inlined file(s) refreshed.`);
