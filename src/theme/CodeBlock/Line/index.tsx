/**
 * One highlighted line of a code block, as the classic theme renders it, re-rendered only when the
 * line itself changes. A block re-renders a few times once the page is interactive (its word-wrap
 * and copy controls measure it); without this, each of those passes rebuilt every token of every
 * line. A colour-mode switch still repaints everything: the block is then mounted afresh.
 */
import { memo } from 'react';
import Line from '@theme-original/CodeBlock/Line';
import type { Props } from '@theme/CodeBlock/Line';

function sameLine(previous: Props, next: Props): boolean {
  return (
    previous.line === next.line &&
    previous.showLineNumbers === next.showLineNumbers &&
    String(previous.classNames ?? '') === String(next.classNames ?? '')
  );
}

export default memo(Line, sameLine);
