import { BadRequest, ErrorCodes } from './errors.js';

// The scheduler hints that place an ECS (CONTRACT §5): `tenancy` (dedicated | shared) and
// `dedicated_host_id`. Nova accepts any other hint and ignores the ones no filter uses; so do
// we, keeping only `group` for the ECS v1 echo.

export type Tenancy =
  | { readonly kind: 'shared' }
  | { readonly kind: 'dedicated'; readonly hostId?: string };

/** A hint value: a string, or (openstackclient, repeated --hint) a one-element list of strings. */
function single(hints: Record<string, unknown>, key: string): string | undefined {
  const v = hints[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  throw new BadRequest(`scheduler hint "${key}" must be a single string`, ErrorCodes.InvalidParameter);
}

/**
 * Where the hints ask the ECS to go. `dedicated_host_id` without `tenancy` means dedicated
 * (Terraform's compute_instance_v2 sends `deh_id` that way); with `tenancy=shared` it is a
 * contradiction.
 * @raises BadRequest
 */
export function tenancyOf(hints: Record<string, unknown>): Tenancy {
  const tenancy = single(hints, 'tenancy');
  const hostId = single(hints, 'dedicated_host_id');
  if (tenancy !== undefined && tenancy !== 'dedicated' && tenancy !== 'shared') {
    throw new BadRequest(`scheduler hint "tenancy" must be "dedicated" or "shared", not "${tenancy}"`, ErrorCodes.InvalidParameter);
  }
  if (tenancy === 'shared') {
    if (hostId !== undefined) throw new BadRequest('scheduler hint "dedicated_host_id" needs tenancy "dedicated", not "shared"', ErrorCodes.InvalidParameter);
    return { kind: 'shared' };
  }
  if (tenancy === 'dedicated' || hostId !== undefined) return hostId === undefined ? { kind: 'dedicated' } : { kind: 'dedicated', hostId };
  return { kind: 'shared' };
}

/**
 * The hints kept on the server, as the ECS v1 API echoes them: what was asked for (an
 * auto-placed ECS does not gain a host id, or Terraform would see a diff on every plan).
 */
export function keptHints(hints: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const group = single(hints, 'group');
  if (group !== undefined) out.group = group;
  const t = tenancyOf(hints);
  if (t.kind === 'dedicated') {
    out.tenancy = 'dedicated';
    if (t.hostId !== undefined) out.dedicated_host_id = t.hostId;
  } else if (single(hints, 'tenancy') === 'shared') {
    out.tenancy = 'shared';
  }
  return out;
}

/** The hints after a migration: they now name where the ECS is. */
export function hintsAfterMigration(before: Record<string, string>, hostId: string | null): Record<string, string> {
  const { group } = before;
  const placed: Record<string, string> = hostId === null ? { tenancy: 'shared' } : { tenancy: 'dedicated', dedicated_host_id: hostId };
  return group === undefined ? placed : { group, ...placed };
}
