// Capacity arithmetic in the placement style, as pure functions.
// free = total − used (DeHs have no reserved share and no overcommit beyond what the
// manual's vCPU figure already includes). A flavor fits when used + requested ≤ total:
// some flavors (c3.15xlarge.4, m3.15xlarge.8, i3m.16xlarge.8) fill a host exactly.

export interface Inventory {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly usedVcpus: number;
  readonly usedMemoryMb: number;
}

export interface Demand {
  readonly vcpus: number;
  readonly ramMb: number;
}

export function freeVcpus(inv: Inventory): number {
  return inv.vcpus - inv.usedVcpus;
}

export function freeMemory(inv: Inventory): number {
  return inv.memoryMb - inv.usedMemoryMb;
}

/** Why a demand does not fit, or null when it fits. */
export function shortfall(inv: Inventory, d: Demand): string | null {
  const v = freeVcpus(inv);
  const m = freeMemory(inv);
  if (d.vcpus > v) return `needs ${d.vcpus} vCPUs, ${v} free`;
  if (d.ramMb > m) return `needs ${d.ramMb} MB of memory, ${m} MB free`;
  return null;
}

export function fits(inv: Inventory, d: Demand): boolean {
  return shortfall(inv, d) === null;
}

/** Usage after adding (sign 1) or removing (sign -1) a demand; never below zero or above total. */
export function applyDemand(inv: Inventory, d: Demand, sign: 1 | -1): Inventory {
  const usedVcpus = inv.usedVcpus + sign * d.vcpus;
  const usedMemoryMb = inv.usedMemoryMb + sign * d.ramMb;
  if (usedVcpus < 0 || usedMemoryMb < 0 || usedVcpus > inv.vcpus || usedMemoryMb > inv.memoryMb) {
    throw new RangeError(`capacity accounting out of range: ${usedVcpus}/${inv.vcpus} vCPUs, ${usedMemoryMb}/${inv.memoryMb} MB`);
  }
  return { ...inv, usedVcpus, usedMemoryMb };
}
