/**
 * The sandbox model's answers: short, readable paragraphs about the words of the last user
 * message, composed from templates by a generator seeded with the request, so the same request
 * always gets the same answer. Answers are plain ASCII, so every token decodes to whole text.
 */
import { messageText, type ChatMessageInput } from './tokenizer.ts';
import { pick, randomInt, seededRandom } from './seed.ts';

const STOP_WORDS = new Set(
  (
    'about above after again against also because been before being below between both cannot could does doing down during each ' +
    'even every from further have having here hers herself himself into itself just like many more most much must myself ' +
    'need only other ought ours ourselves over own please same shall should some such than that their theirs them themselves ' +
    'then there these they this those through tell under until upon very want were what when where which while whom whose ' +
    'will with would your yours yourself yourselves give show explain write describe answer question using used make ' +
    'hello thanks thank'
  ).split(' '),
);

const OPENINGS = [
  'Here is a short answer about {a}.',
  'Good question about {a}.',
  'Let us look at {a} step by step.',
  'In short, {a} comes down to a few clear ideas.',
  'Here is how I would think about {a}.',
];

const BODY = [
  '{a} is easiest to understand when you look at one small example first.',
  'Start with {a}, then see how it connects to {b}.',
  'A common mistake is to change {a} and {b} at the same time, so change one and measure.',
  'Every request is counted in tokens, so a shorter prompt about {a} also costs less.',
  'When {b} grows, watch how {a} changes in your metrics.',
  'Keep {a} simple at first, and add detail only where it helps.',
  'The numbers for {a} become clearer once you group them by {c}.',
  'Think of {b} as the budget and {a} as what spends it.',
  'Write down what you expect from {a} before you test it, then compare the results.',
  'Most of the time {a} behaves the same way on every run, which makes it easy to check.',
  'If {a} looks wrong, check the settings for {b} first.',
  'A clear name for each part of {a} makes the logs much easier to read later.',
  'Small, regular checks of {c} tell you more than one large review at the end.',
  'It helps to keep {b} and {c} in the same dashboard so you can compare them.',
];

const CLOSINGS = [
  'That is the core idea behind {a}.',
  'Try it with a small example and you will see the pattern.',
  'I hope this helps you with {a}.',
  'Ask again with more detail about {b} if you want to go deeper.',
];

const FALLBACK_WORDS = ['this topic', 'the details', 'each request'];

/** Up to three distinctive words of `text`, in order of appearance, names in their own casing. */
export function topicWords(text: string): string[] {
  const words: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z][A-Za-z-]*[A-Za-z]/g)) {
    const lower = match[0].toLowerCase();
    const acronym = /^[A-Z]{3}$/.test(match[0]);
    if ((lower.length < 4 && !acronym) || STOP_WORDS.has(lower) || seen.has(lower)) continue;
    seen.add(lower);
    // Names keep their casing (Azure, KQL); ordinary words capitalized only as the first word are lowered.
    words.push(/^[A-Z][a-z-]+$/.test(match[0]) && match.index === 0 ? lower : match[0]);
    if (words.length === 3) break;
  }
  return words;
}

function lastUserText(messages: readonly ChatMessageInput[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') return messageText(messages[i].content);
  }
  return messages.length > 0 ? messageText(messages[messages.length - 1].content) : '';
}

function fill(template: string, words: string[]): string {
  const text = template.replace(/\{([abc])\}/g, (_, slot: string) => words['abc'.indexOf(slot)]);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The answer to `messages`, the same for the same `seed`. */
export function composeAnswer(messages: readonly ChatMessageInput[], seed: number): string {
  const random = seededRandom(seed);
  const found = topicWords(lastUserText(messages));
  const words = [...found, ...FALLBACK_WORDS.slice(found.length)];
  const sentences = [fill(pick(random, OPENINGS), words)];
  const bodyCount = randomInt(random, 1, 6);
  const body = [...BODY];
  for (let i = 0; i < bodyCount; i++) sentences.push(fill(body.splice(Math.floor(random() * body.length), 1)[0], words));
  sentences.push(fill(pick(random, CLOSINGS), words));
  if (sentences.length <= 4) return sentences.join(' ');
  const middle = Math.ceil(sentences.length / 2);
  return `${sentences.slice(0, middle).join(' ')}\n\n${sentences.slice(middle).join(' ')}`;
}
