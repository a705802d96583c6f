/**
 * Light code theme. Every token colour keeps a contrast ratio of at least 4.5:1 against the
 * background (WCAG AA), which the template's `github` theme does not; tests/content checks it.
 */
import type { PrismTheme } from 'prism-react-renderer';

export const prismLight: PrismTheme = {
  plain: { color: '#24292f', backgroundColor: '#f6f8fa' },
  styles: [
    { types: ['comment', 'prolog', 'doctype', 'cdata'], style: { color: '#57606a', fontStyle: 'italic' } },
    { types: ['punctuation', 'operator'], style: { color: '#24292f' } },
    { types: ['string', 'attr-value', 'char', 'template-string', 'regex'], style: { color: '#0a3069' } },
    { types: ['number', 'boolean', 'constant', 'symbol', 'url', 'entity'], style: { color: '#0550ae' } },
    { types: ['keyword', 'atrule', 'selector', 'important'], style: { color: '#cf222e' } },
    { types: ['function', 'function-variable', 'method'], style: { color: '#6639ba' } },
    { types: ['tag', 'inserted'], style: { color: '#116329' } },
    { types: ['attr-name', 'property', 'variable', 'parameter'], style: { color: '#953800' } },
    { types: ['class-name', 'builtin', 'namespace'], style: { color: '#0550ae' } },
    { types: ['deleted'], style: { color: '#82071e' } },
  ],
};
