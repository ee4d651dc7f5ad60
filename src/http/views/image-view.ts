import { imageProperties, type CatalogImage } from '../../domain/image-catalog.js';

// Images in the Glance v2 shape. Extra properties (OTC's `__os_type`, `__platform`, …) are
// top-level string members, as Glance returns them; openstacksdk folds them into
// `properties`, Terraform's image data source reads them by key.

const EPOCH = '1970-01-01T00:00:00Z';

function base(id: string, name: string) {
  return {
    id, name, status: 'active', visibility: 'public', protected: false, os_hidden: false,
    container_format: 'bare', disk_format: 'raw', min_disk: 0, min_ram: 0, size: null as number | null,
    virtual_size: null as number | null, checksum: null as string | null, owner: null as string | null,
    tags: [] as string[], created_at: EPOCH, updated_at: EPOCH,
    self: `/v2/images/${id}`, file: `/v2/images/${id}/file`, schema: '/v2/schemas/image',
  };
}

/** A public image of the catalog. */
export function catalogImageView(i: CatalogImage) {
  return { ...base(i.id, i.name), disk_format: 'zvhd2', min_disk: i.minDiskGb, min_ram: i.minRamMb, ...imageProperties(i) };
}

/** An image id a client named that is not in the catalog: accepted as given, its id is its name. */
export function namedImageView(id: string) {
  return base(id, id);
}

export type ImageView = ReturnType<typeof namedImageView> & Record<string, unknown>;
