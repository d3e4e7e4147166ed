/**
 * The services a relocation drains and moves: those running now, never the PDB's default
 * service (it cannot be drained, relocated or failed over). One rule for the run and its plan.
 */
export function servicesToDrain(services: { name: string; isDefault: boolean; runningOn: string[] }[]): string[] {
  return services.filter((s) => !s.isDefault && s.runningOn.length > 0).map((s) => s.name);
}
