/**
 * Code blocks, as the classic theme renders them, with two differences: a block is rebuilt after
 * hydration only when the reader's colour mode differs from the server-rendered one (the only
 * case where the highlighted tokens' inline colours are stale), and it skips the re-render that
 * follows when the page becomes interactive. The theme rebuilds every block on every page load;
 * on the core lesson, with a few hundred lines of policy XML, KQL and Bicep, that doubled the
 * work of hydration.
 */
import React, { isValidElement, memo, type ReactNode } from 'react';
import type { Props } from '@theme/CodeBlock';
import useIsBrowser from '@docusaurus/useIsBrowser';
import { useColorMode, useThemeConfig } from '@docusaurus/theme-common';
import ElementContentOfTheme from '@theme/CodeBlock/Content/Element';
import StringContentOfTheme from '@theme/CodeBlock/Content/String';

// A block's props do not change when the page becomes interactive, so that pass is skipped; its
// word-wrap and copy controls still appear, driven by their own state.
const StringContent = memo(StringContentOfTheme);
const ElementContent = memo(ElementContentOfTheme);

/** Joins plain-string children into one string (so the copy button works); leaves elements as they are. */
function joinStringChildren(children: ReactNode): ReactNode {
  if (React.Children.toArray(children).some((child) => isValidElement(child))) return children;
  return Array.isArray(children) ? children.join('') : children;
}

export default function CodeBlock({ children, ...props }: Props): ReactNode {
  const isBrowser = useIsBrowser();
  const { colorMode } = useColorMode();
  const { defaultMode } = useThemeConfig().colorMode;
  const content = joinStringChildren(children);
  const renderedFor = isBrowser && colorMode !== defaultMode ? colorMode : 'server';
  return typeof content === 'string' ? (
    <StringContent key={renderedFor} {...props}>
      {content}
    </StringContent>
  ) : (
    <ElementContent key={renderedFor} {...props}>
      {content}
    </ElementContent>
  );
}
