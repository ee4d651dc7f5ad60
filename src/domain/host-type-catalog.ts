/**
 * DeH host-type catalog, transcribed from the user manual
 * (reference/user-manual/product_introduction/categories_and_types/*.rst).
 *
 * Pure data: no imports, no I/O. Every number below is copied from the manual's
 * tables; RAM in GiB from the "ECSs Allowed on DeHs" tables is multiplied by 1024.
 *
 * hostTypeName is the snake_case form of the rst page heading the type is
 * documented under ("General-Purpose DeHs" → general_purpose, "Dedicated
 * General-Purpose DeHs" → dedicated_general_purpose, "Memory-Optimized DeHs" →
 * memory_optimized, "Disk-Intensive DeHs" → disk_intensive). The API reference
 * examples confirm "dedicated_general_purpose" for c4 and "memory_optimized" for m4
 * (api/querying_details_about_a_deh.rst, api/querying_available_deh_types.rst).
 * Note: overview.rst names the categories differently ("General computing-plus
 * DeHs", "Ultra-high I/O DeHs") and has no page of its own for them; the headings of
 * the per-category pages are used here.
 */

/** One ECS flavor that a host type accepts. ramMb = GiB from the manual × 1024. */
export interface FlavorSpec { readonly name: string; readonly vcpus: number; readonly ramMb: number }

/** One DeH type. vcpus/memoryMb are the schedulable capacity the manual states (vCPU formula result, memory in MB as the manual states it, e.g. "704 GB (or 720,896 MB)" → 720896). */
export interface HostTypeSpec {
  readonly hostType: string;
  readonly hostTypeName: string;
  readonly sockets: number;
  /** Cores per socket, as the manual's table states ("Number of Cores per Socket"). */
  readonly cores: number;
  readonly vcpus: number;
  readonly memoryMb: number;
  /** Every ECS flavor the manual allows on this type, in the manual's order. */
  readonly flavors: readonly FlavorSpec[];
}

/** general-purpose_dehs.rst Tables 4 and 5: s2 and s2-medium DeHs take the same 24 S2 flavors. */
const S2_FLAVORS: readonly FlavorSpec[] = [
  { name: 's2.medium.1', vcpus: 1, ramMb: 1 * 1024 },
  { name: 's2.large.1', vcpus: 2, ramMb: 2 * 1024 },
  { name: 's2.xlarge.1', vcpus: 4, ramMb: 4 * 1024 },
  { name: 's2.2xlarge.1', vcpus: 8, ramMb: 8 * 1024 },
  { name: 's2.4xlarge.1', vcpus: 16, ramMb: 16 * 1024 },
  { name: 's2.8xlarge.1', vcpus: 32, ramMb: 32 * 1024 },
  { name: 's2.medium.2', vcpus: 1, ramMb: 2 * 1024 },
  { name: 's2.large.2', vcpus: 2, ramMb: 4 * 1024 },
  { name: 's2.xlarge.2', vcpus: 4, ramMb: 8 * 1024 },
  { name: 's2.2xlarge.2', vcpus: 8, ramMb: 16 * 1024 },
  { name: 's2.4xlarge.2', vcpus: 16, ramMb: 32 * 1024 },
  { name: 's2.8xlarge.2', vcpus: 32, ramMb: 64 * 1024 },
  { name: 's2.medium.4', vcpus: 1, ramMb: 4 * 1024 },
  { name: 's2.large.4', vcpus: 2, ramMb: 8 * 1024 },
  { name: 's2.xlarge.4', vcpus: 4, ramMb: 16 * 1024 },
  { name: 's2.2xlarge.4', vcpus: 8, ramMb: 32 * 1024 },
  { name: 's2.4xlarge.4', vcpus: 16, ramMb: 64 * 1024 },
  { name: 's2.8xlarge.4', vcpus: 32, ramMb: 128 * 1024 },
  { name: 's2.medium.8', vcpus: 1, ramMb: 8 * 1024 },
  { name: 's2.large.8', vcpus: 2, ramMb: 16 * 1024 },
  { name: 's2.xlarge.8', vcpus: 4, ramMb: 32 * 1024 },
  { name: 's2.2xlarge.8', vcpus: 8, ramMb: 64 * 1024 },
  { name: 's2.4xlarge.8', vcpus: 16, ramMb: 128 * 1024 },
  { name: 's2.8xlarge.8', vcpus: 32, ramMb: 256 * 1024 },
];

export const HOST_TYPES: readonly HostTypeSpec[] = [
  // s2 — general-purpose_dehs.rst, Table 1 "Specifications of s2 DeHs"
  // (2 sockets × 22 cores; vCPUs = (2 x 22 x 2 - 16) x 2 = 144; "704 GB (or 720,896 MB)"),
  // flavors: Table 4 "ECS flavors allowed on s2 DeHs" (24 rows).
  {
    hostType: 's2',
    hostTypeName: 'general_purpose',
    sockets: 2,
    cores: 22,
    vcpus: 144,
    memoryMb: 720896,
    flavors: S2_FLAVORS,
  },
  // s2-medium — general-purpose_dehs.rst, Table 2 "Specifications of s2-medium DeHs"
  // (2 sockets × 12 cores; vCPUs = (2 x 12 x 2 - 12) x 2 = 72; "328 GB (or 335,872 MB)"),
  // flavors: Table 5 "ECS flavors allowed on s2-medium DeHs" (24 rows, identical to Table 4:
  // s2-medium DeHs take S2 ECSs, so the flavor prefix is "s2.").
  {
    hostType: 's2-medium',
    hostTypeName: 'general_purpose',
    sockets: 2,
    cores: 12,
    vcpus: 72,
    memoryMb: 335872,
    flavors: S2_FLAVORS,
  },
  // s3 — general-purpose_dehs.rst, Table 3 "Specifications of s3 DeHs"
  // (2 sockets × 26 cores; vCPUs = (2 x 26 x 2 - 16) x 3 = 264; "702 GB (or 718,848 MB)"),
  // flavors: Table 6 "ECS flavors allowed on s3 DeHs" (24 rows).
  {
    hostType: 's3',
    hostTypeName: 'general_purpose',
    sockets: 2,
    cores: 26,
    vcpus: 264,
    memoryMb: 718848,
    flavors: [
      { name: 's3.medium.1', vcpus: 1, ramMb: 1 * 1024 },
      { name: 's3.large.1', vcpus: 2, ramMb: 2 * 1024 },
      { name: 's3.xlarge.1', vcpus: 4, ramMb: 4 * 1024 },
      { name: 's3.2xlarge.1', vcpus: 8, ramMb: 8 * 1024 },
      { name: 's3.4xlarge.1', vcpus: 16, ramMb: 16 * 1024 },
      { name: 's3.8xlarge.1', vcpus: 32, ramMb: 32 * 1024 },
      { name: 's3.medium.2', vcpus: 1, ramMb: 2 * 1024 },
      { name: 's3.large.2', vcpus: 2, ramMb: 4 * 1024 },
      { name: 's3.xlarge.2', vcpus: 4, ramMb: 8 * 1024 },
      { name: 's3.2xlarge.2', vcpus: 8, ramMb: 16 * 1024 },
      { name: 's3.4xlarge.2', vcpus: 16, ramMb: 32 * 1024 },
      { name: 's3.8xlarge.2', vcpus: 32, ramMb: 64 * 1024 },
      { name: 's3.medium.4', vcpus: 1, ramMb: 4 * 1024 },
      { name: 's3.large.4', vcpus: 2, ramMb: 8 * 1024 },
      { name: 's3.xlarge.4', vcpus: 4, ramMb: 16 * 1024 },
      { name: 's3.2xlarge.4', vcpus: 8, ramMb: 32 * 1024 },
      { name: 's3.4xlarge.4', vcpus: 16, ramMb: 64 * 1024 },
      { name: 's3.8xlarge.4', vcpus: 32, ramMb: 128 * 1024 },
      { name: 's3.medium.8', vcpus: 1, ramMb: 8 * 1024 },
      { name: 's3.large.8', vcpus: 2, ramMb: 16 * 1024 },
      { name: 's3.xlarge.8', vcpus: 4, ramMb: 32 * 1024 },
      { name: 's3.2xlarge.8', vcpus: 8, ramMb: 64 * 1024 },
      { name: 's3.4xlarge.8', vcpus: 16, ramMb: 128 * 1024 },
      { name: 's3.8xlarge.8', vcpus: 32, ramMb: 256 * 1024 },
    ],
  },
  // c3 — dedicated_general-purpose_dehs.rst, Table 1 "Specifications of c3 DeHs"
  // (2 sockets × 18 cores; vCPUs = (2 x 18 x 2 - 12) x 1 = 60; "256 GB (or 262,144 MB)"),
  // flavors: Table 3 "ECS flavors allowed on c3 DeHs" (12 rows).
  // Note: the manual gives c3.15xlarge.2 = 60 vCPUs / 128 GiB and c3.15xlarge.4 = 60 vCPUs / 256 GiB,
  // i.e. not exactly vCPUs × 2 / × 4; copied as stated. c3.15xlarge.4 uses the whole host memory.
  {
    hostType: 'c3',
    hostTypeName: 'dedicated_general_purpose',
    sockets: 2,
    cores: 18,
    vcpus: 60,
    memoryMb: 262144,
    flavors: [
      { name: 'c3.large.2', vcpus: 2, ramMb: 4 * 1024 },
      { name: 'c3.xlarge.2', vcpus: 4, ramMb: 8 * 1024 },
      { name: 'c3.2xlarge.2', vcpus: 8, ramMb: 16 * 1024 },
      { name: 'c3.4xlarge.2', vcpus: 16, ramMb: 32 * 1024 },
      { name: 'c3.8xlarge.2', vcpus: 32, ramMb: 64 * 1024 },
      { name: 'c3.15xlarge.2', vcpus: 60, ramMb: 128 * 1024 },
      { name: 'c3.large.4', vcpus: 2, ramMb: 8 * 1024 },
      { name: 'c3.xlarge.4', vcpus: 4, ramMb: 16 * 1024 },
      { name: 'c3.2xlarge.4', vcpus: 8, ramMb: 32 * 1024 },
      { name: 'c3.4xlarge.4', vcpus: 16, ramMb: 64 * 1024 },
      { name: 'c3.8xlarge.4', vcpus: 32, ramMb: 128 * 1024 },
      { name: 'c3.15xlarge.4', vcpus: 60, ramMb: 256 * 1024 },
    ],
  },
  // c4 — dedicated_general-purpose_dehs.rst, Table 2 "Specifications of c4 DeHs"
  // (2 sockets × 22 cores; vCPUs = (2 x 22 x 2 - 14) x 1 = 74; "296 GB (or 303,104 MB)"),
  // flavors: Table 4 "ECS flavors allowed on c4 DeHs" (16 rows).
  // Matches the API reference example (vcpus 74, cores 22, sockets 2, memory 303104,
  // host_type_name "dedicated_general_purpose").
  {
    hostType: 'c4',
    hostTypeName: 'dedicated_general_purpose',
    sockets: 2,
    cores: 22,
    vcpus: 74,
    memoryMb: 303104,
    flavors: [
      { name: 'c4.large.2', vcpus: 2, ramMb: 4 * 1024 },
      { name: 'c4.xlarge.2', vcpus: 4, ramMb: 8 * 1024 },
      { name: 'c4.2xlarge.2', vcpus: 8, ramMb: 16 * 1024 },
      { name: 'c4.3xlarge.2', vcpus: 12, ramMb: 24 * 1024 },
      { name: 'c4.4xlarge.2', vcpus: 16, ramMb: 32 * 1024 },
      { name: 'c4.6xlarge.2', vcpus: 24, ramMb: 48 * 1024 },
      { name: 'c4.8xlarge.2', vcpus: 32, ramMb: 64 * 1024 },
      { name: 'c4.16xlarge.2', vcpus: 64, ramMb: 128 * 1024 },
      { name: 'c4.large.4', vcpus: 2, ramMb: 8 * 1024 },
      { name: 'c4.xlarge.4', vcpus: 4, ramMb: 16 * 1024 },
      { name: 'c4.2xlarge.4', vcpus: 8, ramMb: 32 * 1024 },
      { name: 'c4.3xlarge.4', vcpus: 12, ramMb: 48 * 1024 },
      { name: 'c4.4xlarge.4', vcpus: 16, ramMb: 64 * 1024 },
      { name: 'c4.6xlarge.4', vcpus: 24, ramMb: 96 * 1024 },
      { name: 'c4.8xlarge.4', vcpus: 32, ramMb: 128 * 1024 },
      { name: 'c4.16xlarge.4', vcpus: 64, ramMb: 256 * 1024 },
    ],
  },
  // m3 — memory-optimized_dehs.rst, Table 1 "Specifications of m3 DeHs"
  // (2 sockets × 18 cores; vCPUs = (2 x 18 x 2 - 12) x 1 = 60; "512 GB (or 524,288 MB)"),
  // flavors: Table 3 "ECS flavors allowed on m3 DeHs" (6 rows).
  // Note: m3.15xlarge.8 is 60 vCPUs / 512 GiB in the manual (not 60 × 8 = 480) and uses the
  // whole host memory; copied as stated.
  {
    hostType: 'm3',
    hostTypeName: 'memory_optimized',
    sockets: 2,
    cores: 18,
    vcpus: 60,
    memoryMb: 524288,
    flavors: [
      { name: 'm3.large.8', vcpus: 2, ramMb: 16 * 1024 },
      { name: 'm3.xlarge.8', vcpus: 4, ramMb: 32 * 1024 },
      { name: 'm3.2xlarge.8', vcpus: 8, ramMb: 64 * 1024 },
      { name: 'm3.4xlarge.8', vcpus: 16, ramMb: 128 * 1024 },
      { name: 'm3.8xlarge.8', vcpus: 32, ramMb: 256 * 1024 },
      { name: 'm3.15xlarge.8', vcpus: 60, ramMb: 512 * 1024 },
    ],
  },
  // m4 — memory-optimized_dehs.rst, Table 2 "Specifications of m4 DeHs"
  // (2 sockets × 22 cores; vCPUs = (2 x 22 x 2 - 12) x 1 = 76; "608 GB (or 622,592 MB)"),
  // flavors: Table 4 "ECS flavors allowed on m4 DeHs" (8 rows).
  {
    hostType: 'm4',
    hostTypeName: 'memory_optimized',
    sockets: 2,
    cores: 22,
    vcpus: 76,
    memoryMb: 622592,
    flavors: [
      { name: 'm4.large.8', vcpus: 2, ramMb: 16 * 1024 },
      { name: 'm4.xlarge.8', vcpus: 4, ramMb: 32 * 1024 },
      { name: 'm4.2xlarge.8', vcpus: 8, ramMb: 64 * 1024 },
      { name: 'm4.3xlarge.8', vcpus: 12, ramMb: 96 * 1024 },
      { name: 'm4.4xlarge.8', vcpus: 16, ramMb: 128 * 1024 },
      { name: 'm4.6xlarge.8', vcpus: 24, ramMb: 192 * 1024 },
      { name: 'm4.8xlarge.8', vcpus: 32, ramMb: 256 * 1024 },
      { name: 'm4.16xlarge.8', vcpus: 64, ramMb: 512 * 1024 },
    ],
  },
  // i3 — disk-intensive_dehs.rst, Table 1 "Specifications of i3 DeHs"
  // (2 sockets × 26 cores; 80 vCPUs — the manual gives no formula for disk-intensive DeHs;
  // "324 GB (or 331,776 MB)"; 32 TB local disks, not modelled here),
  // flavors: Table 4 "ECS flavors allowed on i3 DeHs" (5 rows).
  {
    hostType: 'i3',
    hostTypeName: 'disk_intensive',
    sockets: 2,
    cores: 26,
    vcpus: 80,
    memoryMb: 331776,
    flavors: [
      { name: 'i3.2xlarge.4', vcpus: 8, ramMb: 32 * 1024 },
      { name: 'i3.4xlarge.4', vcpus: 16, ramMb: 64 * 1024 },
      { name: 'i3.8xlarge.4', vcpus: 32, ramMb: 128 * 1024 },
      { name: 'i3.12xlarge.4', vcpus: 48, ramMb: 192 * 1024 },
      { name: 'i3.16xlarge.4', vcpus: 64, ramMb: 256 * 1024 },
    ],
  },
  // i3_pro — disk-intensive_dehs.rst, Table 2 "Specifications of i3_pro DeHs"
  // (2 sockets × 26 cores; 80 vCPUs, no formula given; "640 GB (or 655,360 MB)"; 32 TB local disks),
  // flavors: Table 5 "ECS flavors allowed on i3_pro DeHs" (5 rows; the flavors are i3.*.8, prefix "i3.").
  // AMBIGUOUS: the manual lists i3.8xlarge.8 = 32 vCPUs / 192 GiB and i3.12xlarge.8 = 48 vCPUs / 256 GiB,
  // whereas the ".8" suffix (and the other three rows) imply 8 GiB per vCPU, i.e. 256 and 384 GiB.
  // Copied exactly as the manual states.
  {
    hostType: 'i3_pro',
    hostTypeName: 'disk_intensive',
    sockets: 2,
    cores: 26,
    vcpus: 80,
    memoryMb: 655360,
    flavors: [
      { name: 'i3.2xlarge.8', vcpus: 8, ramMb: 64 * 1024 },
      { name: 'i3.4xlarge.8', vcpus: 16, ramMb: 128 * 1024 },
      { name: 'i3.8xlarge.8', vcpus: 32, ramMb: 192 * 1024 },
      { name: 'i3.12xlarge.8', vcpus: 48, ramMb: 256 * 1024 },
      { name: 'i3.16xlarge.8', vcpus: 64, ramMb: 512 * 1024 },
    ],
  },
  // i3m — disk-intensive_dehs.rst, Table 3 "Specifications of i3m DeHs"
  // (2 sockets × 18 cores; 64 vCPUs, no formula given; "512 GB (or 524,288 MB)"; 12.8 TB local disks),
  // flavors: Table 6 "ECS flavors allowed on i3m DeHs" (5 rows). i3m.16xlarge.8 uses the whole host memory.
  {
    hostType: 'i3m',
    hostTypeName: 'disk_intensive',
    sockets: 2,
    cores: 18,
    vcpus: 64,
    memoryMb: 524288,
    flavors: [
      { name: 'i3m.2xlarge.8', vcpus: 8, ramMb: 64 * 1024 },
      { name: 'i3m.4xlarge.8', vcpus: 16, ramMb: 128 * 1024 },
      { name: 'i3m.8xlarge.8', vcpus: 32, ramMb: 256 * 1024 },
      { name: 'i3m.12xlarge.8', vcpus: 48, ramMb: 384 * 1024 },
      { name: 'i3m.16xlarge.8', vcpus: 64, ramMb: 512 * 1024 },
    ],
  },
];
