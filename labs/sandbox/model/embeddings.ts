/**
 * Embeddings: deterministic unit vectors built from the input's tokens (every token id adds its
 * own fixed pseudo-random direction), so equal texts get equal vectors and texts sharing words
 * point the same way. `encoding_format: "base64"` (the `openai` client's default) answers
 * little-endian float32 bytes in base64; otherwise float arrays.
 */
import type { SandboxResponse } from '../core/exchange.ts';
import { invalidRequest } from './errors.ts';
import type { DeployedModel } from './models.ts';
import { seededRandom } from './seed.ts';
import { encodeText } from './tokenizer.ts';

export interface EmbeddingsRequest {
  /** Each input as token ids. */
  inputs: number[][];
  dimensions: number;
  base64: boolean;
}

const MAX_INPUTS = 2048;

type Checked<T> = { ok: true; value: T } | { ok: false; response: SandboxResponse };

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item) && (item as number) >= 0);
}

function tokenInputs(input: unknown, model: DeployedModel): number[][] | undefined {
  if (typeof input === 'string') return input.length > 0 ? [encodeText(input, model.name)] : undefined;
  if (isTokenArray(input)) return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === 'string' && item.length > 0)) return (input as string[]).map((text) => encodeText(text, model.name));
  if (input.every(isTokenArray)) return input as number[][];
  return undefined;
}

/** The checked request, or the 400 answer the service gives. */
export function readEmbeddingsRequest(body: unknown, model: DeployedModel): Checked<EmbeddingsRequest> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, response: invalidRequest('Invalid type for the request body: expected an object.') };
  }
  const { input, dimensions, encoding_format: format } = body as Record<string, unknown>;
  if (input === undefined) return { ok: false, response: invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter') };
  const inputs = tokenInputs(input, model);
  if (inputs === undefined) {
    return { ok: false, response: invalidRequest("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", null, null) };
  }
  if (inputs.length > MAX_INPUTS) {
    return { ok: false, response: invalidRequest(`Too many inputs. The max number of inputs is ${MAX_INPUTS}.`, 'input', null) };
  }
  const longest = Math.max(...inputs.map((tokens) => tokens.length));
  if (longest > model.contextWindow) {
    return {
      ok: false,
      response: invalidRequest(
        `This model's maximum context length is ${model.contextWindow} tokens, however you requested ${longest} tokens (${longest} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        null,
        null,
      ),
    };
  }
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    return { ok: false, response: invalidRequest(`Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`, 'encoding_format', 'invalid_value') };
  }
  let size = model.embeddingDimensions;
  if (dimensions !== undefined && dimensions !== null) {
    if (!model.acceptsDimensions) return { ok: false, response: invalidRequest('This model does not support specifying dimensions.', 'dimensions', null) };
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > model.embeddingDimensions) {
      return { ok: false, response: invalidRequest(`Invalid 'dimensions': expected an integer between 1 and ${model.embeddingDimensions}.`, 'dimensions', 'invalid_value') };
    }
    size = dimensions;
  }
  return { ok: true, value: { inputs, dimensions: size, base64: format === 'base64' } };
}

/** The unit vector for `tokens`, `dimensions` long (the model's full vector, cut and re-normalized). */
export function embedTokens(tokens: number[], fullDimensions: number, dimensions: number): Float32Array {
  const sum = new Float64Array(fullDimensions);
  for (const token of tokens) {
    const random = seededRandom(token * 2654435761 + 97);
    for (let i = 0; i < fullDimensions; i++) sum[i] += random() * 2 - 1;
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += sum[i] * sum[i];
  norm = Math.sqrt(norm) || 1;
  const vector = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) vector[i] = sum[i] / norm;
  return vector;
}

/** Little-endian float32 bytes in base64, as the service sends `encoding_format: "base64"`. */
export function float32Base64(vector: Float32Array): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, i) => view.setFloat32(i * 4, value, true));
  const bytes = new Uint8Array(view.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function promptTokensOf(request: EmbeddingsRequest): number {
  return request.inputs.reduce((sum, tokens) => sum + tokens.length, 0);
}

/** The response body. */
export function embeddingsBody(request: EmbeddingsRequest, model: DeployedModel): Record<string, unknown> {
  const promptTokens = promptTokensOf(request);
  return {
    data: request.inputs.map((tokens, index) => {
      const vector = embedTokens(tokens, model.embeddingDimensions, request.dimensions);
      return { embedding: request.base64 ? float32Base64(vector) : Array.from(vector), index, object: 'embedding' };
    }),
    model: model.responseModel,
    object: 'list',
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
