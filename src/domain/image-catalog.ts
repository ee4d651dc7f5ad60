import { derivedUuid } from './addresses.js';

// The public images a new OpenDeH offers, under the names Open Telekom Cloud uses for its
// public images: `Standard_<OS>_<version>_latest` for the non-commercial Linux images of the
// OTC Image Factory, `Enterprise_<OS>_…` for images that carry a vendor subscription
// (Windows, SLES, RHEL). OpenDeH runs no guests, so an image is only a name with the
// properties clients read (`openstack image list/show`, Terraform's image data source):
// `__os_type`, `__platform`, `__os_version`, `__os_bit` and the IMS bookkeeping flags.
// Ids are derived from the names, so every installation names the same image the same way.
// Any other image id a client sends is still accepted as given (see routes/images.ts).

export interface CatalogImage {
  readonly id: string;
  readonly name: string;
  readonly osType: 'Linux' | 'Windows';
  /** OTC's `__platform` values: Ubuntu, Debian, CentOS, OpenSUSE, SUSE, RedHat, Windows, … */
  readonly platform: string;
  readonly osVersion: string;
  /** Smallest system disk (GB) and memory (MB) the image boots with. */
  readonly minDiskGb: number;
  readonly minRamMb: number;
}

const ENTRIES: readonly Omit<CatalogImage, 'id'>[] = [
  { name: 'Standard_Ubuntu_24.04_latest', osType: 'Linux', platform: 'Ubuntu', osVersion: 'Ubuntu 24.04 server 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_Ubuntu_22.04_latest', osType: 'Linux', platform: 'Ubuntu', osVersion: 'Ubuntu 22.04 server 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_Ubuntu_20.04_latest', osType: 'Linux', platform: 'Ubuntu', osVersion: 'Ubuntu 20.04 server 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_Debian_12_latest', osType: 'Linux', platform: 'Debian', osVersion: 'Debian GNU/Linux 12 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_Debian_11_latest', osType: 'Linux', platform: 'Debian', osVersion: 'Debian GNU/Linux 11 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_CentOS_Stream_9_latest', osType: 'Linux', platform: 'CentOS', osVersion: 'CentOS Stream 9 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_CentOS_7_latest', osType: 'Linux', platform: 'CentOS', osVersion: 'CentOS 7.9 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_Fedora_40_latest', osType: 'Linux', platform: 'Fedora', osVersion: 'Fedora 40 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Standard_openSUSE_15_latest', osType: 'Linux', platform: 'OpenSUSE', osVersion: 'OpenSUSE Leap 15.6 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Enterprise_SLES_15_SP6_latest', osType: 'Linux', platform: 'SUSE', osVersion: 'SUSE Linux Enterprise Server 15 SP6 64bit', minDiskGb: 4, minRamMb: 0 },
  { name: 'Enterprise_RedHat_9_latest', osType: 'Linux', platform: 'RedHat', osVersion: 'Red Hat Enterprise Linux 9 64bit', minDiskGb: 10, minRamMb: 0 },
  { name: 'Enterprise_Windows_STD_2022_latest', osType: 'Windows', platform: 'Windows', osVersion: 'Windows Server 2022 Standard 64bit', minDiskGb: 40, minRamMb: 2048 },
  { name: 'Enterprise_Windows_DC_2022_latest', osType: 'Windows', platform: 'Windows', osVersion: 'Windows Server 2022 Datacenter 64bit', minDiskGb: 40, minRamMb: 2048 },
  { name: 'Enterprise_Windows_STD_2019_latest', osType: 'Windows', platform: 'Windows', osVersion: 'Windows Server 2019 Standard 64bit', minDiskGb: 40, minRamMb: 2048 },
];

export const IMAGE_CATALOG: readonly CatalogImage[] = ENTRIES.map((e) => ({ ...e, id: derivedUuid(`image:${e.name}`) }));

const BY_ID = new Map(IMAGE_CATALOG.map((i) => [i.id, i]));
const BY_NAME = new Map(IMAGE_CATALOG.map((i) => [i.name, i]));

export function catalogImageById(id: string): CatalogImage | undefined {
  return BY_ID.get(id);
}

export function catalogImageByName(name: string): CatalogImage | undefined {
  return BY_NAME.get(name);
}

/** The OTC/IMS properties of an image, as Glance v2 returns extra properties (top-level string values). */
export function imageProperties(i: CatalogImage): Record<string, string> {
  return {
    __os_type: i.osType, __platform: i.platform, __os_version: i.osVersion, __os_bit: '64',
    __imagetype: 'gold', __isregistered: 'true', __support_kvm: 'true', __image_source_type: 'uds',
    virtual_env_type: 'FusionCompute', hw_firmware_type: 'bios',
  };
}
