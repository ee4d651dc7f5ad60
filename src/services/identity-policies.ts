import { checkDescription, checkDisplayName, checkPolicy, checkType } from '../domain/custom-policy.js';
import { BadRequest, Conflict, NotFound } from '../domain/errors.js';
import { keystoneId } from '../domain/ids.js';
import type { Clock } from '../domain/time.js';
import { iamRepo } from '../store/iam-repo.js';
import { identityRepo, type RoleRow } from '../store/identity-repo.js';
import type { Store } from '../store/store.js';
import type { WriteContext } from '../store/write-context.js';
import { traceResource } from '../store/trace-scope.js';

// OTC custom policies (CONTRACT §9.2): a custom policy is a role of kind 'custom' owned by a
// domain, named `custom_<domain_id>_<n>`. The policy document is stored as JSON text of the
// object the client sent — same keys, same order — and echoed as is: Terraform compares it
// statement by statement, so nothing is added or reordered.

export interface CustomPolicyInput {
  readonly display_name?: unknown;
  readonly type?: unknown;
  readonly description?: unknown;
  readonly description_cn?: unknown;
  readonly policy?: unknown;
}

export interface CustomPolicy { readonly row: RoleRow; readonly references: number }

export class CustomPolicies {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly changed: () => void) {}

  async create(domainId: string, input: CustomPolicyInput, writes?: WriteContext): Promise<CustomPolicy> {
    must(checkDisplayName(input.display_name));
    must(checkType(input.type));
    if (input.description !== undefined) must(checkDescription(input.description));
    if (input.description_cn !== undefined) must(checkDescription(input.description_cn, 'description_cn'));
    must(checkPolicy(input.policy));
    const now = String(this.clock().getTime());
    // Two creates in one domain may pick the same next number; the unique name makes the
    // loser retry with the following one.
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await this.store.write(async (tx) => {
          if (!(await identityRepo.domainById(tx, domainId))) throw new NotFound(`Could not find domain: ${domainId}.`);
          const prefix = `custom_${domainId}_`;
          let n = 0;
          for (const r of await iamRepo.customRoleNames(tx, domainId)) {
            const k = r.name.startsWith(prefix) ? Number(r.name.slice(prefix.length)) : NaN;
            if (Number.isSafeInteger(k) && k > n) n = k;
          }
          const row: RoleRow = {
            id: keystoneId(), name: `${prefix}${n + 1}`, display_name: input.display_name as string, kind: 'custom',
            description: (input.description as string | undefined) ?? '', type: input.type as string, catalog: 'CUSTOMED',
            domain_id: domainId, policy: JSON.stringify(input.policy), created_time: now, updated_time: now,
          };
          traceResource(writes, row.id, row.display_name);
          await identityRepo.insertRole(tx, row);
          return row;
        }, writes);
        return { row, references: 0 };
      } catch (e) {
        if (e instanceof Conflict && attempt < 5) continue;
        throw e;
      }
    }
  }

  async get(domainId: string, id: string): Promise<CustomPolicy> {
    return this.store.read(async (ex) => {
      const row = await identityRepo.roleById(ex, id);
      if (!row || row.kind !== 'custom' || row.domain_id !== domainId) throw new NotFound(`Could not find role: ${id}.`);
      return { row, references: await iamRepo.referencesOf(ex, id) };
    });
  }

  async list(domainId: string): Promise<CustomPolicy[]> {
    return this.store.read(async (ex) => {
      const rows = await iamRepo.listCustomRoles(ex, domainId);
      const out: CustomPolicy[] = [];
      for (const row of rows) out.push({ row, references: await iamRepo.referencesOf(ex, row.id) });
      return out;
    });
  }

  /** PATCH: the fields given replace the stored ones (Terraform sends them all). */
  async update(domainId: string, id: string, input: CustomPolicyInput, writes?: WriteContext): Promise<CustomPolicy> {
    if (input.display_name !== undefined) must(checkDisplayName(input.display_name));
    if (input.type !== undefined) must(checkType(input.type));
    if (input.description !== undefined) must(checkDescription(input.description));
    if (input.description_cn !== undefined) must(checkDescription(input.description_cn, 'description_cn'));
    if (input.policy !== undefined) must(checkPolicy(input.policy));
    await this.store.write(async (tx) => {
      await this.mine(tx, domainId, id);
      await iamRepo.updateRole(tx, id, {
        ...(input.display_name !== undefined && { display_name: input.display_name as string }),
        ...(input.type !== undefined && { type: input.type as string }),
        ...(input.description !== undefined && { description: input.description as string }),
        ...(input.policy !== undefined && { policy: JSON.stringify(input.policy) }),
        updated_time: String(this.clock().getTime()),
      });
    }, writes);
    this.changed();
    return this.get(domainId, id);
  }

  /** Deleting a policy also removes its grants (the foreign keys cascade). */
  async delete(domainId: string, id: string, writes?: WriteContext): Promise<void> {
    await this.store.write(async (tx) => {
      await this.mine(tx, domainId, id);
      await identityRepo.deleteRole(tx, id);
    }, writes);
    this.changed();
  }

  private async mine(ex: Parameters<typeof identityRepo.roleById>[0], domainId: string, id: string): Promise<RoleRow> {
    const row = await identityRepo.roleById(ex, id);
    if (!row || row.kind !== 'custom' || row.domain_id !== domainId) throw new NotFound(`Could not find role: ${id}.`);
    return row;
  }
}

function must(problem: string | null): void {
  if (problem) throw new BadRequest(problem);
}
