/**
 * Policy documents as people write them are not always well-formed XML: API Management lets a
 * policy expression inside an attribute use the attribute's own quote character
 * (`value="@(context.Request.Headers.GetValueOrDefault("x-user-id", "anonymous"))"`) and lets a
 * `@{ ... }` block in element text contain `<` and `&&`. Microsoft's docs and samples rely on this.
 *
 * `protectExpressions` finds every `@(...)` / `@{...}` that starts an attribute value or element text,
 * and swaps the characters XML would choke on for private-use placeholders of the same length, so
 * the XML parser's line and column numbers stay those of the original text. `restoreExpressions`
 * swaps them back in the parsed attribute values and text.
 */

const PLACEHOLDERS: Record<string, string> = { '"': '\uE000', "'": '\uE001', '<': '\uE002', '&': '\uE003', '>': '\uE004' };
const ORIGINALS: Record<string, string> = Object.fromEntries(Object.entries(PLACEHOLDERS).map(([k, v]) => [v, k]));
const ENTITY = /^&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
const CLOSING: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/** Index just past the bracket that closes the one at `start`, skipping C# string and char literals; -1 if unbalanced. */
export function findExpressionEnd(text: string, start: number): number {
  const stack: string[] = [];
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || (ch === '@' && text[i + 1] === '"') || (ch === '$' && text[i + 1] === '"')) {
      const verbatim = ch === '@';
      i += ch === '"' ? 1 : 2;
      while (i < text.length) {
        if (verbatim && text[i] === '"' && text[i + 1] === '"') i += 2;
        else if (!verbatim && text[i] === '\\') i += 2;
        else if (text[i] === '"') break;
        else i++;
      }
      i++;
      continue;
    }
    if (ch === "'" && (text[i + 2] === "'" || (text[i + 1] === '\\' && text[i + 3] === "'"))) {
      i += text[i + 1] === '\\' ? 4 : 3;
      continue;
    }
    if (ch in CLOSING) stack.push(CLOSING[ch]);
    else if (ch === ')' || ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

function protect(segment: string, quote: string | undefined): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '&' && ENTITY.test(segment.slice(i))) out += ch;
    else if (ch === '&' || ch === '<' || (ch === '>' && quote !== undefined) || ch === quote) out += PLACEHOLDERS[ch];
    else out += ch;
  }
  return out;
}

function isExpressionStart(text: string, at: number): boolean {
  return text[at] === '@' && (text[at + 1] === '(' || text[at + 1] === '{');
}

export function protectExpressions(xml: string): string {
  let out = '';
  let i = 0;
  let inTag = false;
  while (i < xml.length) {
    if (!inTag) {
      if (xml.startsWith('<!--', i) || xml.startsWith('<![CDATA[', i) || xml.startsWith('<?', i)) {
        const close = xml.startsWith('<!--', i) ? '-->' : xml.startsWith('<?', i) ? '?>' : ']]>';
        const end = xml.indexOf(close, i);
        const stop = end < 0 ? xml.length : end + close.length;
        out += xml.slice(i, stop);
        i = stop;
        continue;
      }
      if (xml[i] === '<') inTag = true;
      else if (isExpressionStart(xml, i) && /(^|>)\s*$/.test(xml.slice(Math.max(0, i - 200), i))) {
        const end = findExpressionEnd(xml, i + 1);
        if (end > 0) {
          out += protect(xml.slice(i, end), undefined);
          i = end;
          continue;
        }
      }
      out += xml[i++];
      continue;
    }
    const ch = xml[i];
    if (ch === '>') inTag = false;
    if (ch === '"' || ch === "'") {
      out += ch;
      i++;
      if (isExpressionStart(xml, i)) {
        const end = findExpressionEnd(xml, i + 1);
        if (end > 0) {
          out += protect(xml.slice(i, end), ch);
          i = end;
        }
      }
      const close = xml.indexOf(ch, i);
      const stop = close < 0 ? xml.length : close + 1;
      out += xml.slice(i, stop);
      i = stop;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

export function restoreExpressions(text: string): string {
  return /[\uE000-\uE004]/.test(text) ? text.replace(/[\uE000-\uE004]/g, (ch) => ORIGINALS[ch]) : text;
}
