import type { Flavor } from '../../domain/flavors.js';

// Flavors as Nova shows them (id = name, as on OTC and as Terraform requires).

export function flavorSummary(f: Flavor, base: string) {
  return { id: f.name, name: f.name, links: flavorLinks(f, base) };
}

function flavorLinks(f: Flavor, base: string) {
  return [{ rel: 'self', href: `${base}/flavors/${f.name}` }, { rel: 'bookmark', href: `${base}/flavors/${f.name}` }];
}

export function flavorView(f: Flavor, base: string) {
  return {
    id: f.name,
    name: f.name,
    vcpus: f.vcpus,
    ram: f.ramMb,
    disk: f.diskGb,
    // Nova shows 0 MB of swap as "" (before 2.75).
    swap: '',
    'OS-FLV-EXT-DATA:ephemeral': 0,
    'OS-FLV-DISABLED:disabled': false,
    'os-flavor-access:is_public': true,
    rxtx_factor: 1.0,
    description: null,
    links: flavorLinks(f, base),
  };
}
