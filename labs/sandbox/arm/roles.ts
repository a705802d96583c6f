/**
 * Built-in Azure role definitions the labs assign or look up (ids are Azure's own), served under
 * `{scope}/providers/Microsoft.Authorization/roleDefinitions`.
 */

export const builtInRoles: Record<string, { roleName: string; description: string }> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': { roleName: 'Owner', description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.' },
  'b24988ac-6180-42a0-ab88-20f7382dd24c': { roleName: 'Contributor', description: 'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.' },
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': { roleName: 'Reader', description: 'View all resources, but does not allow you to make any changes.' },
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': { roleName: 'User Access Administrator', description: 'Lets you manage user access to Azure resources.' },
  '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd': { roleName: 'Cognitive Services OpenAI User', description: 'Ability to view files, models, deployments. Readers are able to call inference operations such as chat completions and image generation.' },
  'a001fd3d-188f-4b5d-821b-7da978bf7442': { roleName: 'Cognitive Services OpenAI Contributor', description: 'Full access including the ability to fine-tune, deploy and generate text.' },
  'a97b65f3-24c7-4388-baec-2e87135dc908': { roleName: 'Cognitive Services User', description: 'Lets you read and list keys of Cognitive Services.' },
  '25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68': { roleName: 'Cognitive Services Contributor', description: 'Lets you create, read, update, delete and manage keys of Cognitive Services.' },
  '3913510d-42f4-4e42-8a64-420c390055eb': { roleName: 'Monitoring Metrics Publisher', description: 'Enables publishing metrics against Azure resources.' },
  '43d0d8ad-25c7-4714-9337-8ba259a9fe05': { roleName: 'Monitoring Reader', description: 'Can read all monitoring data.' },
  '73c42c96-874c-492b-b04d-ab87d138a893': { roleName: 'Log Analytics Reader', description: 'Can view and search all monitoring data as well as view monitoring settings.' },
  '312a565d-c81f-4fd8-895a-4e21e48d571c': { roleName: 'API Management Service Contributor', description: 'Can manage service and the APIs.' },
  '64702f94-c441-49e6-a78b-ef80e0188fee': { roleName: 'Azure AI Developer', description: 'Can perform all actions within an Azure AI resource besides managing the resource itself.' },
};

/** The role GUID at the end of a role definition id, lower-cased. */
export function roleGuid(roleDefinitionId: string): string {
  return roleDefinitionId.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
}
