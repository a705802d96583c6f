/**
 * Azure public-cloud regions: the normalized name ARM stores (`westeurope`) and the display
 * name some providers echo (`West Europe`, e.g. APIM and `context.Deployment.Region`).
 */
import { ArmError } from './errors.ts';

const regions: Record<string, string> = {
  eastus: 'East US', eastus2: 'East US 2', westus: 'West US', westus2: 'West US 2', westus3: 'West US 3',
  centralus: 'Central US', northcentralus: 'North Central US', southcentralus: 'South Central US',
  westcentralus: 'West Central US', canadacentral: 'Canada Central', canadaeast: 'Canada East',
  brazilsouth: 'Brazil South', mexicocentral: 'Mexico Central', northeurope: 'North Europe', westeurope: 'West Europe',
  uksouth: 'UK South', ukwest: 'UK West', francecentral: 'France Central', francesouth: 'France South',
  germanywestcentral: 'Germany West Central', germanynorth: 'Germany North', switzerlandnorth: 'Switzerland North',
  switzerlandwest: 'Switzerland West', norwayeast: 'Norway East', norwaywest: 'Norway West',
  swedencentral: 'Sweden Central', polandcentral: 'Poland Central', italynorth: 'Italy North', spaincentral: 'Spain Central',
  australiaeast: 'Australia East', australiasoutheast: 'Australia Southeast', australiacentral: 'Australia Central',
  japaneast: 'Japan East', japanwest: 'Japan West', koreacentral: 'Korea Central', koreasouth: 'Korea South',
  southeastasia: 'Southeast Asia', eastasia: 'East Asia', centralindia: 'Central India', southindia: 'South India',
  westindia: 'West India', uaenorth: 'UAE North', qatarcentral: 'Qatar Central', israelcentral: 'Israel Central',
  southafricanorth: 'South Africa North', newzealandnorth: 'New Zealand North', global: 'Global',
};

/** `West Europe`, `westeurope` or `WestEurope` → `westeurope`; a clear 400 for anything else. */
export function normalizeLocation(location: unknown): string {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const normalized = location.replace(/\s+/g, '').toLowerCase();
  if (regions[normalized] === undefined || normalized === 'global') {
    throw new ArmError(
      400,
      'LocationNotAvailableForResourceType',
      `The provided location '${location}' is not available for resource type. List of available regions is '${Object.keys(regions).filter((r) => r !== 'global').join(',')}'.`,
    );
  }
  return normalized;
}

/** `westeurope` → `West Europe`. */
export function displayLocation(normalized: string): string {
  return regions[normalized] ?? normalized;
}
