import { HOST_TYPES, type FlavorSpec, type HostTypeSpec } from './host-type-catalog.js';

// The flavor catalog the compute API serves: every ECS flavor that some DeH type accepts,
// plus a few flavors that exist only in the shared pool (OTC sells small burstable sizes
// that no DeH type lists). Flavor id = flavor name, as on OTC and as Terraform requires.

export interface Flavor extends FlavorSpec {
  readonly diskGb: number;
  /** Host types that accept this flavor; empty = shared pool only. */
  readonly hostTypes: readonly string[];
}

const SHARED_ONLY: FlavorSpec[] = [
  { name: 's3.small.1', vcpus: 1, ramMb: 1024 },
  { name: 's2.small.1', vcpus: 1, ramMb: 1024 },
  { name: 't2.micro', vcpus: 1, ramMb: 1024 },
];

function buildFlavors(): Map<string, Flavor> {
  const byName = new Map<string, { spec: FlavorSpec; types: string[] }>();
  for (const t of HOST_TYPES) {
    for (const f of t.flavors) {
      const seen = byName.get(f.name);
      if (seen) seen.types.push(t.hostType);
      else byName.set(f.name, { spec: f, types: [t.hostType] });
    }
  }
  for (const f of SHARED_ONLY) if (!byName.has(f.name)) byName.set(f.name, { spec: f, types: [] });
  const out = new Map<string, Flavor>();
  for (const [name, { spec, types }] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    out.set(name, { ...spec, diskGb: 0, hostTypes: types });
  }
  return out;
}

export const FLAVORS: ReadonlyMap<string, Flavor> = buildFlavors();
export const HOST_TYPES_BY_NAME: ReadonlyMap<string, HostTypeSpec> = new Map(HOST_TYPES.map((t) => [t.hostType, t]));

export function hostTypeAccepts(hostType: string, flavor: string): boolean {
  return FLAVORS.get(flavor)?.hostTypes.includes(hostType) ?? false;
}
