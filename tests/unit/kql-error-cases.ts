/**
 * Queries the sandbox's KQL engine refuses, with where and why: invalid KQL (syntax or semantic
 * errors, as Kusto reports them) and real KQL the sandbox does not implement (refused by name).
 */
export interface KqlErrorCase {
  name: string;
  query: string;
  kind: 'SyntaxError' | 'SemanticError' | 'unsupported';
  line: number;
  column: number;
  /** Text the message must contain (the construct's name). */
  mentions: string;
}

export const KQL_ERROR_CASES: KqlErrorCase[] = [
  { name: 'misspelt operator', query: 'customMetrics | whre name == "x"', kind: 'SyntaxError', line: 1, column: 17, mentions: 'whre' },
  { name: 'unknown column on line 2', query: 'customMetrics\n| where foo > 1', kind: 'SemanticError', line: 2, column: 9, mentions: "'foo'" },
  { name: 'unknown table', query: 'customMetric | count', kind: 'SemanticError', line: 1, column: 1, mentions: "'customMetric'" },
  { name: 'mv-expand', query: 'customMetrics | mv-expand customDimensions', kind: 'unsupported', line: 1, column: 17, mentions: 'mv-expand' },
  { name: 'join', query: 'customMetrics | join kind=inner (requests) on operation_Id', kind: 'unsupported', line: 1, column: 17, mentions: 'join' },
  { name: 'make-series', query: 'customMetrics | make-series sum(value) on timestamp step 1m', kind: 'unsupported', line: 1, column: 17, mentions: 'make-series' },
  { name: 'union', query: 'union customMetrics, requests | count', kind: 'unsupported', line: 1, column: 1, mentions: 'union' },
  { name: 'an unsupported function', query: 'customMetrics | extend keys = bag_keys(customDimensions)', kind: 'unsupported', line: 1, column: 31, mentions: 'bag_keys' },
  { name: 'an unsupported aggregate', query: 'customMetrics | summarize stdev(value)', kind: 'unsupported', line: 1, column: 27, mentions: 'stdev' },
  { name: 'matches regex', query: 'customMetrics | where name matches regex "To.*"', kind: 'unsupported', line: 1, column: 28, mentions: 'matches' },
  { name: 'a string compared with < ', query: 'customMetrics | where name < "b"', kind: 'SemanticError', line: 1, column: 28, mentions: "'<'" },
  { name: 'summarize by a dynamic value', query: 'customMetrics | summarize count() by customDimensions', kind: 'SemanticError', line: 1, column: 38, mentions: 'dynamic' },
  { name: 'render without a chart type', query: 'customMetrics | take 5 | render', kind: 'SyntaxError', line: 1, column: 32, mentions: 'chart type' },
  { name: 'a column declared twice', query: 'customMetrics | project value, value', kind: 'SemanticError', line: 1, column: 32, mentions: "'value'" },
  { name: 'an unterminated string', query: 'customMetrics | where name == "Total', kind: 'SyntaxError', line: 1, column: 31, mentions: 'string' },
  { name: 'an aggregate outside summarize', query: 'customMetrics | extend total = sum(value)', kind: 'SemanticError', line: 1, column: 32, mentions: 'summarize' },
  { name: 'a where that is not a predicate', query: 'customMetrics | where value', kind: 'SemanticError', line: 1, column: 23, mentions: 'bool' },
  { name: 'ago without a timespan', query: 'customMetrics | where timestamp > ago(5)', kind: 'SemanticError', line: 1, column: 35, mentions: 'ago' },
  { name: 'a missing closing parenthesis', query: 'customMetrics | where name in ("a", "b"', kind: 'SyntaxError', line: 1, column: 40, mentions: "')'" },
  { name: 'a dangling pipe', query: 'customMetrics |', kind: 'SyntaxError', line: 1, column: 16, mentions: 'query operator' },
  { name: 'two result sets', query: 'customMetrics | count; requests | count', kind: 'unsupported', line: 1, column: 24, mentions: 'more than one tabular statement' },
  { name: 'text after the query', query: 'customMetrics | count requests', kind: 'SyntaxError', line: 1, column: 23, mentions: 'requests' },
  { name: 'a user-defined function', query: 'let f = (x: long) { x * 2 };\ncustomMetrics | extend y = f(valueCount)', kind: 'unsupported', line: 1, column: 9, mentions: 'user-defined functions' },
  { name: 'sum of a string', query: 'customMetrics | summarize sum(name)', kind: 'SemanticError', line: 1, column: 27, mentions: 'summable' },
  { name: 'wrong number of arguments', query: 'customMetrics | extend r = round()', kind: 'SemanticError', line: 1, column: 28, mentions: 'round' },
];
