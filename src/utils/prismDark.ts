/**
 * Dark code theme. Every token colour keeps a contrast ratio of at least 4.5:1 against the
 * background (WCAG AA); tests/content checks it.
 */
import type { PrismTheme } from 'prism-react-renderer';

export const prismDark: PrismTheme = {
  plain: { color: '#e6edf3', backgroundColor: '#0d1117' },
  styles: [
    { types: ['comment', 'prolog', 'doctype', 'cdata'], style: { color: '#8b949e', fontStyle: 'italic' } },
    { types: ['punctuation', 'operator'], style: { color: '#e6edf3' } },
    { types: ['string', 'attr-value', 'char', 'template-string', 'regex'], style: { color: '#a5d6ff' } },
    { types: ['number', 'boolean', 'constant', 'symbol', 'url', 'entity'], style: { color: '#79c0ff' } },
    { types: ['keyword', 'atrule', 'selector', 'important'], style: { color: '#ff7b72' } },
    { types: ['function', 'function-variable', 'method'], style: { color: '#d2a8ff' } },
    { types: ['tag', 'inserted'], style: { color: '#7ee787' } },
    { types: ['attr-name', 'property', 'variable', 'parameter'], style: { color: '#ffa657' } },
    { types: ['class-name', 'builtin', 'namespace'], style: { color: '#79c0ff' } },
    { types: ['deleted'], style: { color: '#ffa198' } },
  ],
};
