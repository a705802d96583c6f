// Monitor LLM token consumption with Azure API Management: everything the lesson builds step by
// step, as one resource-group deployment.
//
//   Log Analytics workspace + workspace-based Application Insights (custom metrics with dimensions)
//   Azure OpenAI account (custom subdomain) + model deployment
//   API Management with a system-assigned identity, allowed to call Azure OpenAI (no keys)
//   backend, the Azure OpenAI API imported from labs/specs, the token-metrics policy from labs/policies,
//   Application Insights logger, API diagnostic with metrics on, and one subscription per app
//
// Deploy: az deployment group create -g <group> -f labs/infra/main.bicep -p labs/infra/main.parameters.json
// labs/infra/main.json is the same template as ARM JSON (what `az bicep build` produces); a test keeps them in step.

targetScope = 'resourceGroup'

@description('Region for every resource. Azure OpenAI model availability differs by region.')
param location string = resourceGroup().location

@description('Short prefix that names every resource: 2 to 12 lower-case letters or digits, starting with a letter.')
@minLength(2)
@maxLength(12)
param prefix string = 'lab'

@description('Six characters that make the global names (Azure OpenAI subdomain, APIM gateway host) unique.')
param uniqueSuffix string = substring(uniqueString(subscription().id, resourceGroup().id, prefix), 0, 6)

@description('Azure OpenAI account name, also its custom subdomain (needed for Microsoft Entra ID sign-in).')
param openAiAccountName string = '${prefix}-openai-${uniqueSuffix}'

@description('API Management instance name; the gateway answers at https://<name>.azure-api.net.')
param apimName string = '${prefix}-apim-${uniqueSuffix}'

@description('Log Analytics workspace name.')
param workspaceName string = '${prefix}-logs'

@description('Application Insights component name.')
param appInsightsName string = '${prefix}-insights'

@description('Name (a GUID) of the role assignment that lets API Management call Azure OpenAI. The default is derived from the account, the API Management instance and the role, so every deployment finds the same assignment.')
param openAiRoleAssignmentName string = guid(resourceId('Microsoft.CognitiveServices/accounts', openAiAccountName), resourceId('Microsoft.ApiManagement/service', apimName), '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')

@description('Model to deploy.')
param modelName string = 'gpt-4o-mini'

@description('Model version, as Azure lists it.')
param modelVersion string = '2024-07-18'

@description('Deployment name the API calls use (/openai/deployments/<name>/...).')
param modelDeploymentName string = modelName

@description('Deployment type of the model.')
@allowed([
  'GlobalStandard'
  'DataZoneStandard'
  'Standard'
])
param modelSku string = 'GlobalStandard'

@description('Model capacity in thousands of tokens per minute.')
@minValue(1)
@maxValue(1000)
param modelCapacity int = 10

@description('API Management tier. The v2 tiers and Consumption are ready in minutes; the classic tiers take 30 minutes or more.')
@allowed([
  'Consumption'
  'Developer'
  'Basic'
  'Standard'
  'Premium'
  'BasicV2'
  'StandardV2'
])
param apimSku string = 'BasicV2'

@description('E-mail address API Management shows as the publisher.')
param publisherEmail string = 'apim-lab@example.com'

@description('Name API Management shows as the publisher.')
param publisherName string = 'Token monitoring lab'

@description('One APIM subscription per app or team whose tokens are counted apart.')
param subscriptions array = [
  {
    id: 'chat-app'
    displayName: 'Chat app'
  }
  {
    id: 'summarizer-app'
    displayName: 'Summarizer app'
  }
  {
    id: 'data-team'
    displayName: 'Data team'
  }
]

// The policy file routes calls with <set-backend-service backend-id="openai-backend" />.
var backendId = 'openai-backend'
var apiId = 'openai'
var loggerId = 'appinsights-logger'
// Built-in role "Cognitive Services OpenAI User": call inference APIs, nothing else.
var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
var tags = {
  course: 'apim-token-monitoring'
  learner: prefix
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    Flow_Type: 'Bluefield'
    Request_Source: 'rest'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Without this, Application Insights drops the dimensions of custom metrics.
    #disable-next-line BCP037
    CustomMetricsOptedInType: 'WithDimensions'
  }
}

resource openAi 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: openAiAccountName
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: openAiAccountName
    publicNetworkAccess: 'Enabled'
  }
}

resource modelDeployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: openAi
  name: modelDeploymentName
  sku: {
    name: modelSku
    capacity: modelCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: apimName
  location: location
  tags: tags
  sku: {
    name: apimSku
    capacity: apimSku == 'Consumption' ? 0 : 1
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
  }
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: openAiRoleAssignmentName
  scope: openAi
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
    principalId: apim.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource backend 'Microsoft.ApiManagement/service/backends@2024-05-01' = {
  parent: apim
  name: backendId
  properties: {
    description: 'Azure OpenAI account of the token monitoring lab'
    url: '${openAi.properties.endpoint}openai'
    protocol: 'http'
  }
}

resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: apiId
  properties: {
    displayName: 'Azure OpenAI'
    description: 'Azure OpenAI inference API (chat completions, completions, embeddings) behind API Management.'
    serviceUrl: '${openAi.properties.endpoint}openai'
    path: 'openai'
    protocols: [
      'https'
    ]
    subscriptionRequired: true
    subscriptionKeyParameterNames: {
      header: 'api-key'
      query: 'api-key'
    }
    format: 'openapi+json'
    value: loadTextContent('../specs/azure-openai-inference.json')
  }
}

resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('../policies/openai-api-token-metrics.xml')
  }
  dependsOn: [
    backend
  ]
}

resource logger 'Microsoft.ApiManagement/service/loggers@2024-05-01' = {
  parent: apim
  name: loggerId
  properties: {
    loggerType: 'applicationInsights'
    description: 'Application Insights ${appInsightsName}'
    resourceId: appInsights.id
    isBuffered: false
    credentials: {
      instrumentationKey: appInsights.properties.InstrumentationKey
    }
  }
}

resource apiDiagnostic 'Microsoft.ApiManagement/service/apis/diagnostics@2024-05-01' = {
  parent: api
  name: 'applicationinsights'
  properties: {
    loggerId: logger.id
    alwaysLog: 'allErrors'
    sampling: {
      samplingType: 'fixed'
      percentage: 100
    }
    verbosity: 'information'
    logClientIp: true
    httpCorrelationProtocol: 'W3C'
    metrics: true
  }
}

resource apimSubscriptions 'Microsoft.ApiManagement/service/subscriptions@2024-05-01' = [for item in subscriptions: {
  parent: apim
  name: item.id
  properties: {
    displayName: item.displayName
    scope: '/apis/${api.name}'
    state: 'active'
  }
}]

@description('Base URL of the API Management gateway; the API answers under /openai.')
output gatewayUrl string = apim.properties.gatewayUrl

@description('Azure OpenAI endpoint (APIM calls it through the backend).')
output openAiEndpoint string = openAi.properties.endpoint

@description('Application Insights application id, for the Application Insights query API.')
output appInsightsAppId string = appInsights.properties.AppId

@description('Log Analytics workspace id (customerId), for Logs queries.')
output workspaceCustomerId string = workspace.properties.customerId
