import type { FastifyInstance } from 'fastify';
import { MAX_METADATA_ITEMS } from '../../services/server-details.js';
import type { ComputeLimits } from '../../services/compute-quotas.js';
import type { ProjectUsage } from '../../services/compute-quotas.js';
import { callerOf } from '../auth.js';
import { QuotaSetBody } from '../schemas/compute.js';
import type { ComputeDeps } from './compute.js';
import { Type } from 'typebox';
import { ProjectParams } from '../schemas/compute.js';
import {
  AvailabilityZonesResponse, LimitsResponse, QuotaSetDetailResponse, QuotaSetResponse,
} from '../schemas/compute-responses.js';

// Nova's os-quota-sets (show, detail, defaults 200; update 200, admin), limits (200) and
// os-availability-zone (200). Only what is enforced is shown: instances, cores, ram and
// metadata_items.

type T = { Params: { project_id: string; tenant_id: string } };
const TenantParams = Type.Object({ project_id: Type.String(), tenant_id: Type.String() });

const quotaSet = (id: string, l: ComputeLimits) => ({ id, instances: l.instances, cores: l.cores, ram: l.ram, metadata_items: MAX_METADATA_ITEMS });

export function computeQuotaRoutes(app: FastifyInstance, deps: ComputeDeps): void {
  app.get<T>('/os-quota-sets/:tenant_id', { schema: { params: TenantParams, summary: 'Quotas of a project', answers: { 200: QuotaSetResponse } } }, async (req) => {
    const { limits } = await deps.quotas.show(callerOf(req), req.params.tenant_id);
    return { quota_set: quotaSet(req.params.tenant_id, limits) };
  });

  app.get<T>('/os-quota-sets/:tenant_id/detail', { schema: { params: TenantParams, summary: 'Quotas with usage', answers: { 200: QuotaSetDetailResponse } } }, async (req) => {
    const { limits, usage } = await deps.quotas.show(callerOf(req), req.params.tenant_id);
    const item = (limit: number, inUse: number) => ({ in_use: inUse, limit, reserved: 0 });
    return {
      quota_set: {
        id: req.params.tenant_id, instances: item(limits.instances, usage.instances), cores: item(limits.cores, usage.cores),
        ram: item(limits.ram, usage.ram), metadata_items: item(MAX_METADATA_ITEMS, 0),
      },
    };
  });

  app.get<T>('/os-quota-sets/:tenant_id/defaults', { schema: { params: TenantParams, summary: 'Default quotas', answers: { 200: QuotaSetResponse } } }, async (req) => ({ quota_set: quotaSet(req.params.tenant_id, deps.quotas.defaultLimits()) }));

  app.put<T & { Body: QuotaSetBody }>('/os-quota-sets/:tenant_id', { schema: { params: TenantParams, body: QuotaSetBody, summary: 'Set quotas (admin)', answers: { 200: QuotaSetResponse } } }, async (req) => {
    const { instances, cores, ram } = req.body.quota_set;
    const patch = Object.fromEntries(Object.entries({ instances, cores, ram }).filter(([, v]) => v !== undefined));
    return { quota_set: quotaSet(req.params.tenant_id, await deps.quotas.set(callerOf(req), req.params.tenant_id, patch)) };
  });

  app.get('/limits', { schema: { params: ProjectParams, summary: 'Absolute limits and usage', answers: { 200: LimitsResponse } } }, async (req) => {
    const caller = callerOf(req);
    const { limits, usage } = await deps.quotas.show(caller, caller.projectId);
    return { limits: { rate: [], absolute: absoluteLimits(limits, usage) } };
  });

  app.get('/os-availability-zone', { schema: { params: ProjectParams, summary: 'Availability zones', answers: { 200: AvailabilityZonesResponse } } }, async () => ({
    availabilityZoneInfo: deps.availabilityZones.map((zoneName) => ({ zoneName, zoneState: { available: true }, hosts: null })),
  }));
}

function absoluteLimits(l: ComputeLimits, u: ProjectUsage) {
  return {
    maxTotalInstances: l.instances, maxTotalCores: l.cores, maxTotalRAMSize: l.ram, maxServerMeta: MAX_METADATA_ITEMS,
    totalInstancesUsed: u.instances, totalCoresUsed: u.cores, totalRAMUsed: u.ram,
  };
}
