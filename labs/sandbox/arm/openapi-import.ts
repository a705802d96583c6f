/**
 * API import from an inline OpenAPI document (`format`: `openapi+json`, `openapi` (YAML), and
 * `swagger-json` for OpenAPI 2), as APIM does it: one operation per `operationId`, with its method,
 * URL template (required query parameters appended as `?name={name}`), template parameters and
 * responses; `displayName`, `description` and `serviceUrl` taken from the document when the request
 * leaves them out. Link formats need the internet, which the sandbox does not use: they get a clear
 * error naming the inline alternative.
 */
import { load as loadYaml } from 'js-yaml';
import { validationError } from './errors.ts';
import type { Json } from './shape.ts';

export interface ImportedOperation {
  name: string;
  properties: Json;
}

export interface ImportedApi {
  title?: string;
  description?: string;
  serviceUrl?: string;
  operations: ImportedOperation[];
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const inlineFormats = ['openapi+json', 'openapi', 'swagger-json'];
const linkFormats = ['openapi+json-link', 'openapi-link', 'swagger-link-json', 'wadl-link-json', 'wsdl-link', 'graphql-link', 'odata-link', 'grpc-link'];

function importError(message: string): Error {
  return validationError([{ code: 'ValidationError', target: 'representation', message }]);
}

/** Throws APIM's 400 for a format the sandbox cannot import. */
export function checkImportFormat(format: string, value: unknown): void {
  if (linkFormats.includes(format)) {
    throw importError(
      `The sandbox works offline and cannot fetch '${String(value)}' (format '${format}'). Read the document yourself and send its text inline: format 'openapi+json' for JSON or 'openapi' for YAML.`,
    );
  }
  if (!inlineFormats.includes(format)) {
    throw importError(`The import format '${format}' is not supported by the sandbox. Use 'openapi+json' (OpenAPI 3 JSON), 'openapi' (OpenAPI 3 YAML) or 'swagger-json' (OpenAPI 2).`);
  }
  if (typeof value !== 'string' || value.trim() === '') throw importError(`value must hold the ${format} document as a string.`);
}

function parseDocument(format: string, text: string): Json {
  let document: unknown;
  try {
    document = format === 'openapi' ? loadYaml(text) : JSON.parse(text);
  } catch (error) {
    throw importError(`Parsing error(s): the ${format === 'openapi' ? 'YAML' : 'JSON'} document could not be read: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw importError('Parsing error(s): the document is not an object.');
  const spec = document as Json;
  if (format === 'swagger-json' ? spec.swagger !== '2.0' : typeof spec.openapi !== 'string' || !spec.openapi.startsWith('3.')) {
    throw importError(format === 'swagger-json'
      ? "Parsing error(s): a swagger-json document must have \"swagger\": \"2.0\"."
      : "Parsing error(s): the document has no \"openapi\": \"3.x\" field. For an OpenAPI 2 (Swagger) document use format 'swagger-json'.");
  }
  if (spec.paths === null || typeof spec.paths !== 'object') throw importError('Parsing error(s): the document has no paths.');
  return spec;
}

/** Follows a local `$ref` (`#/components/parameters/x`), a few levels deep. */
function resolve(spec: Json, value: unknown, depth = 0): Json {
  const item = (value ?? {}) as Json;
  if (typeof item.$ref !== 'string' || depth > 8) return item;
  if (!item.$ref.startsWith('#/')) throw importError(`Reference '${item.$ref}' points outside the document; the sandbox resolves only local references (#/...).`);
  let target: unknown = spec;
  for (const part of item.$ref.slice(2).split('/')) target = (target as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (target === undefined) throw importError(`Reference '${item.$ref}' does not exist in the document.`);
  return resolve(spec, target, depth + 1);
}

function serviceUrlOf(spec: Json): string | undefined {
  if (Array.isArray(spec.servers) && spec.servers.length > 0) {
    const server = spec.servers[0] as Json;
    const variables = (server.variables ?? {}) as Record<string, Json>;
    const url = String(server.url ?? '').replace(/\{([^}]+)\}/g, (_m, name: string) => String(variables[name]?.default ?? `{${name}}`));
    return /^https?:\/\//.test(url) ? url : undefined;
  }
  if (typeof spec.host === 'string') {
    const scheme = Array.isArray(spec.schemes) && spec.schemes.includes('https') ? 'https' : 'http';
    return `${scheme}://${spec.host}${typeof spec.basePath === 'string' ? spec.basePath : ''}`;
  }
  return undefined;
}

function operationName(operationId: unknown, method: string, path: string, taken: Set<string>): string {
  const base = typeof operationId === 'string' && operationId.trim() !== ''
    ? operationId.replace(/[*#&+:<>?/]/g, '-').slice(0, 80)
    : `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '-')}`.replace(/-+$/, '').slice(0, 80);
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
  taken.add(name.toLowerCase());
  return name;
}

function parameterType(spec: Json, parameter: Json): string {
  const schema = resolve(spec, parameter.schema ?? parameter);
  return typeof schema.type === 'string' ? schema.type : 'string';
}

/** Reads the document and lists the operations APIM would create. */
export function importOpenApi(format: string, text: string): ImportedApi {
  const spec = parseDocument(format, text);
  const info = (spec.info ?? {}) as Json;
  const taken = new Set<string>();
  const operations: ImportedOperation[] = [];
  for (const [path, rawItem] of Object.entries(spec.paths as Record<string, unknown>)) {
    const pathItem = resolve(spec, rawItem);
    const shared = Array.isArray(pathItem.parameters) ? pathItem.parameters : [];
    for (const method of methods) {
      const op = pathItem[method] as Json | undefined;
      if (op === undefined || op === null || typeof op !== 'object') continue;
      const parameters = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])].map((p) => resolve(spec, p));
      const pathParams = parameters.filter((p) => p.in === 'path');
      const requiredQuery = parameters.filter((p) => p.in === 'query' && p.required === true);
      const optionalQuery = parameters.filter((p) => p.in === 'query' && p.required !== true);
      const headers = parameters.filter((p) => p.in === 'header');
      const query = requiredQuery.map((p) => `${String(p.name)}={${String(p.name)}}`).join('&');
      const describe = (p: Json): Json => ({
        name: String(p.name),
        ...(typeof p.description === 'string' ? { description: p.description } : {}),
        type: parameterType(spec, p),
        required: p.required === true || p.in === 'path',
        values: [],
      });
      const responses = Object.entries((op.responses ?? {}) as Record<string, unknown>)
        .filter(([code]) => /^\d{3}$/.test(code))
        .map(([code, response]) => {
          const resolved = resolve(spec, response);
          const content = (resolved.content ?? {}) as Record<string, unknown>;
          return {
            statusCode: Number(code),
            description: typeof resolved.description === 'string' ? resolved.description : '',
            representations: Object.keys(content).map((contentType) => ({ contentType })),
            headers: [],
          };
        });
      const name = operationName(op.operationId, method, path, taken);
      operations.push({
        name,
        properties: {
          displayName: typeof op.summary === 'string' && op.summary.trim() !== '' ? op.summary.trim().slice(0, 300) : name,
          method: method.toUpperCase(),
          urlTemplate: query === '' ? path : `${path}?${query}`,
          templateParameters: [...pathParams, ...requiredQuery].map(describe),
          ...(typeof op.description === 'string' ? { description: op.description } : {}),
          request: { queryParameters: optionalQuery.map(describe), headers: headers.map(describe), representations: [] },
          responses,
        },
      });
    }
  }
  return {
    title: typeof info.title === 'string' ? info.title : undefined,
    description: typeof info.description === 'string' ? info.description : undefined,
    serviceUrl: serviceUrlOf(spec),
    operations,
  };
}
