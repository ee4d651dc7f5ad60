import { SYSTEM_ROLES } from '../system-policies.js';

// Documents of grants that carry none: the Keystone default roles (admin, member, reader) are
// not OTC names and map as CONTRACT §9.3 says — admin → every action (te_admin + secu_admin, and
// the operator API), member → te_admin, reader → readonly; an OTC system role or policy named
// without its document (an external Keystone's token) gets the one OpenDeH ships.
// Any other name allows nothing.

const BY_NAME = new Map<string, unknown>(SYSTEM_ROLES.map((r) => [r.name, r.policy]));
const ALL = { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['*:*:*'] }] };

/** Keystone's default role names and the OTC roles they stand for. */
export const KEYSTONE_ROLE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  member: ['te_admin'],
  _member_: ['te_admin'],
  reader: ['readonly'],
};

export function documentsForRoleName(name: string): unknown[] {
  if (name === 'admin') return [ALL];
  const alias = KEYSTONE_ROLE_ALIASES[name];
  if (alias) return alias.map((n) => BY_NAME.get(n)).filter((d) => d !== undefined);
  const doc = BY_NAME.get(name);
  return doc ? [doc] : [];
}
