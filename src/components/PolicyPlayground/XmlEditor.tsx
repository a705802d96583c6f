/**
 * A CodeMirror editor for the policy XML (or KQL, without a language) that can mark the line and
 * column an error names, the way the sandbox's ValidationError or KqlError reports it.
 */
import React, { useEffect, useMemo, useRef, type ReactNode } from 'react';
import CodeMirror, { Decoration, EditorView, StateEffect, StateField, type Extension } from '@uiw/react-codemirror';
import { xml } from '@codemirror/lang-xml';
import { useColorMode } from '@docusaurus/theme-common';

/** 1-based position of an error, as the sandbox reports it. */
export interface ErrorPosition {
  line: number;
  column: number;
}

const setErrorMark = StateEffect.define<ErrorPosition | null>();
const errorLine = Decoration.line({ class: 'playground-error-line' });
const errorSpot = Decoration.mark({ class: 'playground-error-spot' });

/** Holds the decorations that underline the reported error; cleared on the next edit. */
const errorMarkField = StateField.define({
  create: () => Decoration.none,
  update(marks, transaction) {
    if (transaction.docChanged) return Decoration.none;
    for (const effect of transaction.effects) {
      if (!effect.is(setErrorMark)) continue;
      const position = effect.value;
      if (position === null) return Decoration.none;
      const doc = transaction.state.doc;
      const lineNumber = Math.min(Math.max(1, position.line), doc.lines);
      const line = doc.line(lineNumber);
      const from = Math.min(line.from + Math.max(0, position.column - 1), line.to);
      const to = Math.min(line.to, from + 1);
      const ranges = [errorLine.range(line.from)];
      if (to > from) ranges.push(errorSpot.range(from, to));
      return Decoration.set(ranges, true);
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const errorTheme = EditorView.baseTheme({
  '.playground-error-line': { backgroundColor: 'rgba(220, 38, 38, 0.12)' },
  '.playground-error-spot': { textDecoration: 'underline wavy #dc2626' },
});

interface Props {
  value: string;
  onChange(value: string): void;
  language: 'xml' | 'kql';
  /** Accessible name of the editor. */
  label: string;
  error?: ErrorPosition | null;
  minHeight?: string;
  /** Ctrl/Cmd+Enter runs this (save the policy, run the query). */
  onSubmit?: () => void;
  testId?: string;
}

function XmlEditor({ value, onChange, language, label, error, minHeight = '12rem', onSubmit, testId }: Props): ReactNode {
  const { colorMode } = useColorMode();
  const viewRef = useRef<EditorView | null>(null);
  const submitRef = useRef(onSubmit);
  submitRef.current = onSubmit;

  // Mark the reported error in the text; an edit clears the mark by itself.
  useEffect(() => {
    viewRef.current?.dispatch({ effects: setErrorMark.of(error ?? null) });
  }, [error?.line, error?.column]);
  const extensions = useMemo<Extension[]>(() => {
    const list: Extension[] = [
      errorMarkField,
      errorTheme,
      EditorView.contentAttributes.of({ 'aria-label': label }),
    ];
    if (language === 'xml') list.push(xml());
    list.push(
      EditorView.domEventHandlers({
        keydown(event) {
          if (submitRef.current === undefined || event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return false;
          event.preventDefault();
          submitRef.current();
          return true;
        },
      }),
    );
    return list;
  }, [language, label]);

  return (
    <div data-testid={testId} data-error-line={error?.line} data-error-column={error?.column}>
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={extensions}
        theme={colorMode === 'dark' ? 'dark' : 'light'}
        minHeight={minHeight}
        basicSetup={{ foldGutter: false, autocompletion: false, searchKeymap: false }}
        onCreateEditor={(view) => {
          viewRef.current = view;
          if (error) view.dispatch({ effects: setErrorMark.of(error) });
        }}
      />
    </div>
  );
}

/** Re-renders only when its own inputs change, not on every streamed piece of a response. */
export default React.memo(XmlEditor);
