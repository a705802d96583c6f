/**
 * Queries the sandbox's KQL engine answers, each with the rows it must return over the fixture
 * (tests/unit/kql-fixture.ts). kql-engine.test.ts checks the rows; kql-oracle.test.ts checks with
 * Microsoft's Kusto parser that each query is valid KQL with the same result columns.
 */
export interface KqlCase {
  name: string;
  query: string;
  rows: unknown[][];
  /** Request timespan (ISO 8601), as the Logs query API takes it. */
  timespan?: string;
}

export const KQL_CASES: KqlCase[] = [
  { name: 'count', query: 'customMetrics | count', rows: [[12]] },
  { name: 'where == and project', query: 'customMetrics | where name == "Total Tokens" | project value', rows: [[2], [30], [20], [10]] },
  {
    name: 'the lesson query: tokens by user in the last hour',
    query: 'customMetrics\n| where timestamp > ago(1h) and name == "Total Tokens"\n| summarize tokens = sum(valueSum) by user = tostring(customDimensions["User ID"])\n| order by tokens desc',
    rows: [['alice', 40], ['bob', 20]],
  },
  {
    name: 'tokens by subscription per minute',
    query: 'customMetrics | where name == "Total Tokens" | summarize tokens = sum(valueSum), calls = sum(valueCount) by sub = tostring(customDimensions["Subscription ID"]), bin(timestamp, 1m) | order by timestamp asc',
    rows: [
      ['learner-2', '2025-06-01T10:00:00Z', 2, 1],
      ['learner-1', '2025-06-01T11:58:00Z', 30, 1],
      ['learner-2', '2025-06-01T11:58:00Z', 20, 1],
      ['learner-1', '2025-06-01T11:59:00Z', 10, 1],
    ],
  },
  {
    name: 'in and two sort keys',
    query: 'customMetrics | where name in ("Prompt Tokens", "Completion Tokens") | summarize tokens = sum(valueSum) by name, user = tostring(customDimensions["User ID"]) | order by name asc, user asc',
    rows: [['Completion Tokens', 'alice', 23], ['Completion Tokens', 'bob', 15], ['Completion Tokens', 'carol', 1], ['Prompt Tokens', 'alice', 17], ['Prompt Tokens', 'bob', 5], ['Prompt Tokens', 'carol', 1]],
  },
  {
    name: 'every aggregate',
    query: 'customMetrics | where name == "Total Tokens" | summarize count(), countif(value > 15), avg(value), min(value), max(value), dcount(tostring(customDimensions["User ID"])), sumif(value, value < 25), make_list(value), percentile(value, 50), max(timestamp)',
    rows: [[4, 2, 15.5, 2, 30, 3, 32, '[2,30,20,10]', 10, '2025-06-01T11:59:30Z']],
  },
  { name: 'summarize around aggregates', query: 'customMetrics | where name == "Total Tokens" | summarize round(avg(value), 1), ratio = sum(value) / count(), twice = 2 * sum(valueSum)', rows: [[15.5, 15.5, 124]] },
  { name: 'top', query: 'customMetrics | where name == "Total Tokens" | top 2 by value desc | project value', rows: [[30], [20]] },
  { name: 'order asc and take', query: 'customMetrics | where name == "Total Tokens" | order by value asc | take 3 | project value', rows: [[2], [10], [20]] },
  { name: 'sort defaults to descending, limit', query: 'customMetrics | where name == "Total Tokens" | sort by value | limit 1 | project value', rows: [[30]] },
  { name: 'distinct', query: 'customMetrics | distinct name | order by name asc', rows: [['Completion Tokens'], ['Prompt Tokens'], ['Total Tokens']] },
  {
    name: 'arithmetic: real and long division, modulo, round',
    query: 'customMetrics | where name == "Total Tokens" | extend doubled = value * 2, half = value / 4, whole = tolong(value) / 4, third = round(value / 3, 2), rest = tolong(value) % 7, neg = -value + 1 | project doubled, half, whole, third, rest, neg',
    rows: [[4, 0.5, 0, 0.67, 2, -1], [60, 7.5, 7, 10, 2, -29], [40, 5, 5, 6.67, 6, -19], [20, 2.5, 2, 3.33, 3, -9]],
  },
  { name: 'project-away and project-rename', query: 'customMetrics | take 1 | project timestamp, name, value | project-away timestamp | project-rename metric = name', rows: [['Prompt Tokens', 1]] },
  {
    name: 'string operators',
    query: 'customMetrics | where name has "Total" and name contains "oken" and name startswith "tot" and name endswith "TOKENS" and name =~ "total tokens" and name !in ("x") and name !~ "prompt tokens" | count',
    rows: [[4]],
  },
  { name: '!has', query: 'customMetrics | where name !has "Total" | count', rows: [[8]] },
  { name: 'has matches whole terms only', query: 'customMetrics | where name has "Tok" | count', rows: [[0]] },
  { name: 'contains matches inside terms', query: 'customMetrics | where name contains "tok" and name !contains "prompt" | count', rows: [[8]] },
  { name: 'case-sensitive variants', query: 'customMetrics | where name has_cs "Total" and name contains_cs "Tok" and name startswith_cs "Tot" | count', rows: [[4]] },
  { name: 'in~', query: 'customMetrics | where name in~ ("total tokens") | count', rows: [[4]] },
  { name: 'between', query: 'customMetrics | where value between (5 .. 10) | count', rows: [[4]] },
  { name: '!between', query: 'customMetrics | where value !between (5 .. 10) | count', rows: [[8]] },
  { name: 'datetime literals and between', query: 'customMetrics | where timestamp between (datetime(2025-06-01 11:58) .. datetime(2025-06-01T11:59:00Z)) | count', rows: [[6]] },
  { name: 'now with an offset', query: 'customMetrics | where timestamp < now(-1h) | count', rows: [[3]] },
  { name: 'datetime minus datetime is a timespan', query: 'customMetrics | extend age = now() - timestamp | where age > 1h | count', rows: [[3]] },
  { name: 'ago is strict with >', query: 'customMetrics | where timestamp > ago(2h) | count', rows: [[9]] },
  { name: '>= ago', query: 'customMetrics | where timestamp >= ago(120m) | count', rows: [[12]] },
  {
    name: 'let: scalar and tabular',
    query: 'let window = 1h;\nlet totals = customMetrics | where name == "Total Tokens";\ntotals | where timestamp > ago(window) | summarize sum(value)',
    rows: [[60]],
  },
  {
    name: 'iff, isempty, isnotempty, strcat',
    query: 'customMetrics | where name == "Total Tokens" | project label = strcat(tostring(customDimensions["User ID"]), ":", tostring(toint(value))), size = iff(value >= 20, "big", "small"), absent = isempty(tostring(customDimensions["Missing"])), present = isnotempty(customDimensions["User ID"])',
    rows: [['carol:2', 'small', true, true], ['alice:30', 'big', true, true], ['bob:20', 'big', true, true], ['alice:10', 'small', true, true]],
  },
  {
    name: 'parse_json, todynamic, dynamic literals, dotted and indexed access',
    query: 'customMetrics | take 1 | extend j = parse_json(\'{"a":{"b":[1,2,3]}}\') | project b = toint(j.a.b[1]), c = tolong(todynamic("[5,6]")[1]), d = tostring(dynamic({"k":"v"}).k), api = tostring(customDimensions.["API ID"])',
    rows: [[2, 6, 'v', 'openai']],
  },
  {
    name: 'conversions',
    query: 'customMetrics | take 1 | project a = toint("12"), b = todouble("1.5"), c = toreal(2), d = tolong("7"), e = tostring(1.5), f = todatetime("2025-06-01T10:00:00Z"), g = datetime(2025-01-01), h = tostring(true), i = toint("x")',
    rows: [[12, 1.5, 2, 7, '1.5', '2025-06-01T10:00:00Z', '2025-01-01T00:00:00Z', 'true', null]],
  },
  {
    name: 'not, and, or',
    query: 'customMetrics | where not(name == "Total Tokens") and (value > 10 or value < 2) | project value',
    rows: [[1], [1], [20], [15]],
  },
  {
    name: 'render is accepted and ignored',
    query: 'customMetrics | summarize sum(value) by bin(timestamp, 1h) | order by timestamp asc | render timechart',
    rows: [['2025-06-01T10:00:00Z', 4], ['2025-06-01T11:00:00Z', 120]],
  },
  { name: 'render with properties', query: 'customMetrics | summarize c = count() by name | order by name asc | render columnchart with (title="Rows", ytitle="rows")', rows: [['Completion Tokens', 4], ['Prompt Tokens', 4], ['Total Tokens', 4]] },
  {
    name: 'requests: result codes, failures, p95 duration',
    query: 'requests | summarize calls = count(), failures = countif(success == "False"), p95 = percentile(duration, 95) by resultCode | order by resultCode asc',
    rows: [['200', 3, 0, 4000], ['429', 1, 1, 300]],
  },
  { name: 'requests: columns', query: 'requests | where resultCode == "429" | project name, operation_Id, itemType, performanceBucket', rows: [['POST /openai/deployments/{deployment-id}/chat/completions', 'op-3', 'request', '250ms-500ms']] },
  { name: 'workspace: AppMetrics over both components', query: 'AppMetrics | summarize sum(Sum) by Name | order by Name asc', rows: [['Completion Tokens', 39], ['Prompt Tokens', 23], ['Total Tokens', 161]] },
  { name: 'workspace: dimensions dropped without WithDimensions', query: 'AppMetrics | where isempty(tostring(Properties["User ID"])) | project Name, Sum, Properties, ResourceGUID', rows: [['Total Tokens', 99, null, 'app-2']] },
  { name: 'workspace: AppRequests', query: 'AppRequests | where Success == false | project ResultCode, DurationMs, Type', rows: [['429', 300, 'AppRequests']] },
  { name: 'dynamic compared with a string', query: 'customMetrics | where customDimensions["User ID"] == "alice" | count', rows: [[6]] },
  { name: 'dcount by', query: 'customMetrics | where tostring(customDimensions["User ID"]) in ("alice", "bob") | summarize users = dcount(tostring(customDimensions["User ID"])) by name | order by name asc', rows: [['Completion Tokens', 2], ['Prompt Tokens', 2], ['Total Tokens', 2]] },
  { name: 'names Kusto derives for expressions', query: 'customMetrics | take 1 | project value + 1, tostring(value), round(value), customDimensions["User ID"], bin(timestamp, 1d)', rows: [[2, '1', 1, 'carol', '2025-06-01T00:00:00Z']] },
  { name: 'default aggregate names', query: 'customMetrics | summarize sum(valueSum), count(), avg(valueCount) by bin(timestamp, 1h) | order by timestamp asc', rows: [['2025-06-01T10:00:00Z', 4, 3, 1], ['2025-06-01T11:00:00Z', 120, 9, 1]] },
  { name: 'summarize with no rows still answers one row', query: 'customMetrics | where name == "nothing" | summarize count()', rows: [[0]] },
  { name: 'summarize by with no rows answers none', query: 'customMetrics | where name == "nothing" | summarize count() by name', rows: [] },
  { name: 'timespan literals', query: 'customMetrics | where timestamp > ago(90m) and timestamp > now() - 1d - 2h + 30s | count', rows: [[9]] },
  { name: 'timespan arithmetic and formatting', query: 'customMetrics | take 1 | project a = 1d + 2h + 3m + 4s + 5ms, b = 90s * 2, c = 1h / 30m', rows: [['1.02:03:04.0050000', '00:03:00', 2]] },
  { name: 'extend replaces a column in place', query: 'customMetrics | take 1 | project name, value | extend value = value * 10', rows: [['Prompt Tokens', 10]] },
  { name: 'bracketed column names', query: "customMetrics | take 1 | project ['metric name'] = name | project ['metric name']", rows: [['Prompt Tokens']] },
  { name: 'comments', query: '// tokens per user\ncustomMetrics // all rows\n| where name == "Total Tokens" // only totals\n| count', rows: [[4]] },
  { name: 'request timespan: a duration', query: 'customMetrics | count', timespan: 'PT1H', rows: [[9]] },
  { name: 'request timespan: an interval', query: 'customMetrics | count', timespan: '2025-06-01T09:00:00Z/2025-06-01T10:30:00Z', rows: [[3]] },
  { name: 'request timespan: start and duration', query: 'AppMetrics | count', timespan: '2025-06-01T11:58:30Z/PT1M', rows: [[7]] },
  { name: 'semicolon at the end', query: 'customMetrics | count;', rows: [[12]] },
  {
    name: 'more string and null functions',
    query: 'customMetrics | take 1 | project tolower(name), toupper(name), strlen(name), isnull(value), isnotnull(value), floor(value, 2), iif(value > 0, "yes", "no")',
    rows: [['prompt tokens', 'PROMPT TOKENS', 13, false, true, 0, 'yes']],
  },
  { name: 'distinct of several columns, and of all columns', query: 'customMetrics | project name, value | where value > 15 | distinct * | order by value asc', rows: [['Completion Tokens', 20], ['Total Tokens', 20], ['Total Tokens', 30]] },
  { name: 'a dynamic value in arithmetic and comparisons', query: 'customMetrics | take 1 | extend d = dynamic({"n": 4, "s": "x"}) | project a = d.n + 1, b = d.n * 2.5, c = d.n > 3, e = d.s == "x", f = d.n in (4, 5)', rows: [[5, 10, true, true, true]] },
  { name: 'make_set keeps each value once', query: 'customMetrics | summarize make_set(tostring(customDimensions["User ID"])), users = make_set(tostring(customDimensions["User ID"]), 2) by name | order by name asc | take 1', rows: [['Completion Tokens', '["carol","alice","bob"]', '["carol","alice"]']] },
];
