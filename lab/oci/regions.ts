/** OCI regions the lab knows, and the region keys OCIDs carry (ocid1.<type>.oc1.<key>.<unique>). */

const REGION_KEYS: Record<string, string> = {
  'us-ashburn-1': 'iad',
  'us-phoenix-1': 'phx',
  'eu-frankfurt-1': 'fra',
  'uk-london-1': 'lhr',
};

/** A region identifier as OCI spells them (e.g. us-ashburn-1). */
export const REGION_PATTERN = /^[a-z]+-[a-z]+-\d+$/;

export function regionKey(region: string): string {
  return REGION_KEYS[region] ?? region.replace(/-/g, '').slice(0, 3);
}

export function sameRegion(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
