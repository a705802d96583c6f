/**
 * Finds top-level declarations (`resource`, `param`, `var`, `output`, `module`...) in a Bicep file
 * by their symbolic names, with the comment lines just above each, so a lesson can show the parts
 * of a template it talks about, numbered as they are in the file.
 */

export interface BicepExcerpt {
  /** Symbolic name, e.g. `apiDiagnostic`. */
  name: string;
  /** 1-based line number of the excerpt's first line in the file. */
  startLine: number;
  text: string;
}

const DECLARATION = /^(?:@\w+\(.*\)\s*)*(?:resource|module|param|var|output|type|func|metadata)\s+(\w+)\b/;

export function bicepDeclarations(source: string, names: readonly string[]): BicepExcerpt[] {
  const lines = source.split('\n');
  return names.map((name) => {
    const first = lines.findIndex((line) => DECLARATION.exec(line)?.[1] === name);
    if (first === -1) throw new Error(`The Bicep file has no top-level declaration named "${name}".`);
    let start = first;
    while (start > 0 && /^\s*(\/\/|@)/.test(lines[start - 1]!)) start -= 1;
    let end = first;
    let depth = 0;
    for (let index = first; index < lines.length; index += 1) {
      const code = lines[index]!.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/\/\/.*$/, '');
      depth += (code.match(/[{[(]/g) ?? []).length - (code.match(/[}\])]/g) ?? []).length;
      end = index;
      if (depth <= 0) break;
    }
    return { name, startLine: start + 1, text: lines.slice(start, end + 1).join('\n') };
  });
}
