/**
 * Saving a policy: documents Azure accepts (copied from Microsoft's docs and samples, and the
 * course's own policy files) load as they are; what Azure refuses is refused with the element,
 * line and column named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { validatePolicyXml } from '../../labs/sandbox/policy/index.ts';

function refusal(xml: string, scope: 'global' | 'api' | 'operation' | 'product' = 'api'): string {
  const result = validatePolicyXml(xml, scope);
  assert.equal(result.ok, false, 'expected the policy to be refused');
  if (result.ok) return '';
  assert.equal(result.error.code, 'ValidationError');
  assert.equal(result.error.message, 'One or more fields contain incorrect values:');
  assert.ok(result.error.details.length > 0);
  for (const detail of result.error.details) {
    assert.equal(detail.code, 'ValidationError');
    assert.equal(detail.target, 'representation');
  }
  return result.error.details.map((d) => d.message).join('\n');
}

function accepted(xml: string, scope: 'global' | 'api' | 'operation' | 'product' = 'api'): void {
  assert.deepEqual(validatePolicyXml(xml, scope), { ok: true });
}

const docsEmitTokenMetric = `<policies>
  <inbound>
      <azure-openai-emit-token-metric
            namespace="AzureOpenAI">   
            <dimension name="User ID" />
            <dimension name="Client IP" value="@(context.Request.IpAddress)" />
            <dimension name="API ID" />
        </azure-openai-emit-token-metric> 
  </inbound>
  <outbound>
  </outbound>
</policies>`;

const docsLlmEmitTokenMetric = docsEmitTokenMetric.replace(/azure-openai-emit-token-metric/g, 'llm-emit-token-metric').replace('AzureOpenAI', 'MyLLM');

const docsTokenLimitRate = `<policies>
    <inbound>
        <base />
        <azure-openai-token-limit
            counter-key="@(context.Request.IpAddress)"
            tokens-per-minute="5000" estimate-prompt-tokens="false" remaining-tokens-variable-name="remainingTokens" />
    </inbound>
    <outbound>
        <base />
    </outbound>
</policies>`;

const docsTokenQuota = `<policies>
    <inbound>
        <base />
        <llm-token-limit
            counter-key="@(context.Subscription.Id)"
            token-quota="10000" token-quota-period="Daily" remaining-quota-tokens-variable-name="remainingQuotaTokens" />
    </inbound>
    <outbound>
        <base />
    </outbound>
</policies>
`;

const aiGatewayLab = `<policies>
    <inbound>
        <base />
        <authentication-managed-identity resource="https://cognitiveservices.azure.com" output-token-variable-name="managed-id-access-token" ignore-error="false" />
        <set-header name="Authorization" exists-action="override">
            <value>@("Bearer " + (string)context.Variables["managed-id-access-token"])</value>
        </set-header>
        <set-backend-service backend-id="openai-backend" />
        <azure-openai-emit-token-metric namespace="openai">
            <dimension name="Subscription ID" value="@(context.Subscription.Id)" />
            <dimension name="Client IP" value="@(context.Request.IpAddress)" />
            <dimension name="API ID" value="@(context.Api.Id)" />
            <dimension name="User ID" value="@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A"))" />
        </azure-openai-emit-token-metric>
    </inbound>
    <backend>
        <!--Set count to one and it should not retry-->
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
    <on-error>
        <base />
    </on-error>
</policies>`;

test('Microsoft doc examples load as they are', () => {
  accepted(docsEmitTokenMetric);
  accepted(docsLlmEmitTokenMetric);
  accepted(docsTokenLimitRate);
  accepted(docsTokenQuota);
  accepted(aiGatewayLab);
  accepted(docsTokenLimitRate, 'product');
  accepted(docsEmitTokenMetric.replace('namespace="AzureOpenAI"', 'namespace="AzureOpenAI" value="1"'));
  accepted(docsEmitTokenMetric, 'global');
  accepted(docsEmitTokenMetric, 'operation');
});

test('the portal import wizard policy (with id attributes) and the emit-metric example load', () => {
  accepted(`<policies>
    <inbound>
        <base />
        <set-backend-service id="apim-generated-policy" backend-id="openai-openai-endpoint" />
        <azure-openai-token-limit tokens-per-minute="1000" counter-key="@(context.Subscription.Id)" estimate-prompt-tokens="true" tokens-consumed-header-name="consumed-tokens" remaining-tokens-header-name="remaining-tokens" />
        <azure-openai-emit-token-metric>
            <dimension name="API ID" />
            <dimension name="Client IP" value="@(context.Request.IpAddress)" />
        </azure-openai-emit-token-metric>
        <authentication-managed-identity resource="https://cognitiveservices.azure.com/" />
    </inbound>
    <backend><base /></backend>
    <outbound><base /></outbound>
    <on-error><base /></on-error>
</policies>`);
  accepted(`<policies>
  <inbound>
    <emit-metric name="Request" value="1" namespace="my-metrics"> 
        <dimension name="User ID" /> 
        <dimension name="Client IP" value="@(context.Request.IpAddress)" /> 
        <dimension name="API ID" /> 
    </emit-metric> 
  </inbound>
  <outbound>
  </outbound>
</policies>`);
  assert.match(refusal('<policies><inbound><emit-metric name="n"><dimension id="x" name="API ID" /></emit-metric></inbound></policies>'), /'id' attribute is not allowed/);
});

test("the course's own policy files load", () => {
  const folder = new URL('../../labs/policies/', import.meta.url);
  const files = readdirSync(folder).filter((name) => name.endsWith('.xml'));
  for (const name of files) {
    const result = validatePolicyXml(readFileSync(new URL(name, folder), 'utf8'), 'api');
    assert.deepEqual(result, { ok: true }, name);
  }
});

test('comments, CDATA, the XML declaration and the empty skeleton are fine', () => {
  accepted('<?xml version="1.0" encoding="utf-8"?>\n<!-- top --><policies><inbound><!-- x --><base /></inbound><backend><base/></backend><outbound/><on-error/></policies>');
  accepted('<policies />');
  accepted('<policies><inbound><return-response><set-status code="200" reason="OK" /><set-header name="Content-Type" exists-action="override"><value>application/json</value></set-header><set-body><![CDATA[{"ok":true}]]></set-body></return-response></inbound></policies>');
});

test('expressions with the attribute quote inside, and blocks with < and && in text, load as Azure takes them', () => {
  accepted(`<policies><inbound>
    <set-variable name="user" value="@(context.Request.Headers.GetValueOrDefault("x-user-id", "anonymous"))" />
    <set-header name="x-tier" exists-action="override"><value>@{ var n = context.Request.Headers.GetValueOrDefault("x-n", "").Length; if (n < 3 && n >= 0) { return "short"; } return "long"; }</value></set-header>
    <set-variable name="escaped" value="@(context.Request.Headers.GetValueOrDefault(&quot;x-user-id&quot;, &quot;none&quot;))" />
  </inbound></policies>`);
});

test('set-backend-service, managed identity, forward-request, choose, emit-metric', () => {
  accepted(`<policies>
    <inbound>
      <base />
      <set-backend-service base-url="https://example.openai.azure.com/openai" />
      <authentication-managed-identity resource="https://cognitiveservices.azure.com" output-token-variable-name="msi-token" />
      <choose>
        <when condition="@(context.Subscription.Name == &quot;premium&quot;)"><set-variable name="tier" value="gold" /></when>
        <otherwise><set-variable name="tier" value="basic" /></otherwise>
      </choose>
      <emit-metric name="Requests" value="1" namespace="Custom"><dimension name="API ID" /><dimension name="Tier" value="@((string)context.Variables["tier"])" /></emit-metric>
    </inbound>
    <backend><forward-request timeout="120" buffer-response="false" /></backend>
    <outbound><base /><set-header name="x-remaining" exists-action="override"><value>@(context.Variables.GetValueOrDefault<int>("remainingTokens", 0).ToString())</value></set-header></outbound>
    <on-error><base /></on-error>
  </policies>`);
});

test('malformed XML is refused with line and column', () => {
  const message = refusal('<policies>\n  <inbound>\n    <base />\n</policies>');
  assert.match(message, /Error in element 'policies' on line 4, column \d+: the XML is not well-formed: unexpected close tag/);
  assert.match(refusal('<policies><inbound><base /></inbound>'), /not well-formed/);
  assert.match(refusal(''), /not well-formed|empty/);
});

test('unknown elements and elements out of their section are refused, naming element, line and column', () => {
  assert.match(refusal('<policies>\n  <inbound>\n    <base />\n    <frobnicate />\n  </inbound>\n</policies>'), /Error in element 'frobnicate' on line 4, column 6: 'frobnicate' is not a known policy/);
  assert.match(
    refusal('<policies>\n  <outbound>\n    <azure-openai-emit-token-metric><dimension name="API ID" /></azure-openai-emit-token-metric>\n  </outbound>\n</policies>'),
    /Error in element 'azure-openai-emit-token-metric' on line 3, column 6: .*not allowed in the 'outbound' section/,
  );
  assert.match(refusal('<policies><inbound><forward-request /></inbound></policies>'), /'forward-request' is not allowed in the 'inbound' section/);
  assert.match(refusal('<policies><inbound><rate-limit calls="5" renewal-period="60" /></inbound></policies>'), /Azure API Management policy that the local sandbox does not run/);
  assert.match(refusal('<policies><outbound><set-body template="liquid">{{body.id}}</set-body></outbound></policies>'), /Liquid templates .* the local sandbox does not run them/);
  assert.match(refusal('<policy><inbound /></policy>'), /root element .* must be 'policies'/);
  assert.match(refusal('<policies><inbnd /></policies>'), /'inbnd' is not a policy section/);
  assert.match(refusal('<policies><inbound /><inbound /></policies>'), /appears more than once/);
  assert.match(refusal('<policies><inbound><set-variable name="a" value="1"><value>x</value></set-variable></inbound></policies>'), /'value' is not allowed inside 'set-variable'/);
  assert.match(refusal('<policies><inbound><choose><when condition="@(true)"><base /></when></choose></inbound></policies>'), /'base' may appear only directly in a section/);
  assert.match(refusal('<policies><inbound><choose><when condition="true"><set-variable name="a" value="1" /></when></choose></inbound></policies>'), /Error in element 'when' .* the condition must be a policy expression/);
});

test('attributes: unknown, missing, wrong values', () => {
  assert.match(refusal('<policies><inbound><set-variable name="a" /></inbound></policies>'), /required 'value' attribute is missing/);
  assert.match(refusal('<policies><inbound><set-variable name="a" value="1" colour="red" /></inbound></policies>'), /'colour' attribute is not allowed/);
  assert.match(refusal('<policies><inbound><azure-openai-token-limit counter-key="k" tokens-per-minute="lots" estimate-prompt-tokens="false" /></inbound></policies>'), /must be a whole number/);
  assert.match(refusal('<policies><inbound><azure-openai-token-limit counter-key="k" estimate-prompt-tokens="false" /></inbound></policies>'), /give 'tokens-per-minute'/);
  assert.match(refusal('<policies><inbound><llm-token-limit counter-key="k" token-quota="5" estimate-prompt-tokens="false" /></inbound></policies>'), /must be given together/);
  assert.match(refusal('<policies><inbound><llm-token-limit counter-key="k" token-quota="5" token-quota-period="Fortnightly" /></inbound></policies>'), /must be one of 'Hourly'/);
  assert.match(refusal('<policies><inbound><llm-token-limit counter-key="k" tokens-per-minute="5" estimate-prompt-tokens="maybe" /></inbound></policies>'), /must be 'true' or 'false'/);
  assert.match(refusal('<policies><inbound><llm-token-limit counter-key="k" tokens-per-minute="5" remaining-tokens-header-name="@(context.Api.Id)" /></inbound></policies>'), /expressions are not allowed in the 'remaining-tokens-header-name'/);
  assert.match(refusal('<policies><inbound><azure-openai-emit-token-metric namespace="@(context.Api.Id)" /></inbound></policies>'), /not allowed in the 'namespace'/);
  assert.match(refusal('<policies><inbound><set-backend-service /></inbound></policies>'), /exactly one of the 'base-url' and 'backend-id'/);
  assert.match(refusal('<policies><inbound><set-header name="a" exists-action="replace" /></inbound></policies>'), /must be one of 'override'/);
});

test('more than five custom dimensions, or a custom dimension without a value, is refused', () => {
  const dims = (n: number) => Array.from({ length: n }, (_, i) => `<dimension name="D${i}" value="v" />`).join('\n');
  accepted(`<policies><inbound><azure-openai-emit-token-metric>${dims(5)}</azure-openai-emit-token-metric></inbound></policies>`);
  assert.match(refusal(`<policies><inbound><azure-openai-emit-token-metric>${dims(6)}</azure-openai-emit-token-metric></inbound></policies>`), /at most 5 custom dimensions.*has 6/);
  assert.match(refusal(`<policies><inbound><llm-emit-token-metric>${dims(6)}</llm-emit-token-metric></inbound></policies>`), /at most 5 custom dimensions/);
  assert.match(refusal('<policies><inbound><azure-openai-emit-token-metric>\n<dimension name="Client IP" />\n</azure-openai-emit-token-metric></inbound></policies>'), /Error in element 'dimension' on line 2, column 2: the dimension 'Client IP' needs a 'value'/);
  assert.match(refusal('<policies><inbound><emit-metric name="n"><dimension name="API ID" /><dimension name="api id" /></emit-metric></inbound></policies>'), /configured twice/);
});

test('expressions outside the supported subset are refused when saved, naming the expression', () => {
  const message = refusal('<policies>\n<inbound>\n<set-variable name="body" value="@(context.Request.Body.As&lt;JObject&gt;())" />\n</inbound>\n</policies>');
  assert.match(message, /Error in element 'set-variable' on line 3, column 2: the expression '@\(context\.Request\.Body\.As<JObject>\(\)\)' in attribute 'value' is not supported/);
  assert.match(refusal('<policies><inbound><set-variable name="t" value="@(DateTime.UtcNow.ToString())" /></inbound></policies>'), /'@\(DateTime\.UtcNow\.ToString\(\)\)'.*the name 'DateTime' is not supported/);
  assert.match(refusal('<policies><inbound><set-variable name="t" value="@(context.Foo)" /></inbound></policies>'), /'Foo' is not a supported member of context/);
  assert.match(refusal('<policies><inbound><set-header name="x"><value>@(context.Request.Headers.Where(h => h.Key == "a"))</value></set-header></inbound></policies>'), /the text of 'value'/);
  assert.match(refusal('<policies><inbound><set-variable name="t" value="@(context.Api.Id" /></inbound></policies>'), /'@\(context\.Api\.Id'/);
  assert.match(refusal('<policies><inbound><set-variable name="t" value="@{ var x = 1; }" /></inbound></policies>'), /not all code paths return a value/);
  assert.match(refusal('<policies><inbound><set-variable name="t" value="@(context.Api.Id - 1)" /></inbound></policies>'), /operator '-' cannot be applied/);
});
