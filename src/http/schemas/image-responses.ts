import { Type } from 'typebox';

// Answers of the Glance v2 subset (views/image-view.ts). Catalog images add OTC's properties
// (`__os_type`, `__platform`, …) as top-level string members, so an image is an open object.

const Str = Type.String();
const NullableStr = Type.Union([Str, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const ImageWire = Type.Object({
  id: Str, name: Str, status: Str, visibility: Str, protected: Type.Boolean(), os_hidden: Type.Boolean(),
  container_format: Str, disk_format: Str, min_disk: Type.Integer(), min_ram: Type.Integer(), size: NullableInt,
  virtual_size: NullableInt, checksum: NullableStr, owner: NullableStr, tags: Type.Array(Str),
  created_at: Str, updated_at: Str, self: Str, file: Str, schema: Str,
}, { additionalProperties: true });

export const ImageListResponse = Type.Object({ images: Type.Array(ImageWire), schema: Str, first: Str, next: Type.Optional(Str) });
