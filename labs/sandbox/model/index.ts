/**
 * The sandbox's Azure OpenAI model: the data plane behind each account's endpoint, and the token
 * counting the gateway shares with it.
 *
 * Isomorphic: no Node module is imported here or below, so the same model runs in the Node
 * sandbox and in the browser playground.
 */

export {
  countTokens,
  countChatPromptTokens,
  encodingForModel,
  loadEncodingFor,
  isEncodingLoaded,
  type ChatMessageInput,
  type EncodingName,
} from './tokenizer.ts';
