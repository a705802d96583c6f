/**
 * The `api-version` values the Azure OpenAI data plane accepts. The `/openai/deployments/{d}/...`
 * routes take the dated GA versions and the previews (a missing version is answered 404, an
 * unknown one 400 "API version not supported"); the dateless `/openai/v1/...` routes take no
 * version, or `v1`, `latest` or `preview`, and refuse dated ones with the same 400.
 */

export const GA_API_VERSIONS = ['2022-12-01', '2023-05-15', '2024-02-01', '2024-06-01', '2024-10-21'] as const;

export const PREVIEW_API_VERSIONS = [
  '2023-03-15-preview',
  '2023-06-01-preview',
  '2023-07-01-preview',
  '2023-08-01-preview',
  '2023-09-01-preview',
  '2023-10-01-preview',
  '2023-12-01-preview',
  '2024-02-15-preview',
  '2024-03-01-preview',
  '2024-04-01-preview',
  '2024-05-01-preview',
  '2024-07-01-preview',
  '2024-08-01-preview',
  '2024-09-01-preview',
  '2024-10-01-preview',
  '2024-12-01-preview',
  '2025-01-01-preview',
  '2025-02-01-preview',
  '2025-03-01-preview',
  '2025-04-01-preview',
] as const;

/** The version the labs use (the latest dated GA). */
export const DEFAULT_API_VERSION = '2024-10-21';

const SUPPORTED = new Set<string>([...GA_API_VERSIONS, ...PREVIEW_API_VERSIONS]);

export function isSupportedApiVersion(version: string): boolean {
  return SUPPORTED.has(version);
}

const V1_VERSIONS = new Set(['v1', 'latest', 'preview']);

export function isSupportedV1ApiVersion(version: string | null): boolean {
  return version === null || version === '' || V1_VERSIONS.has(version);
}
