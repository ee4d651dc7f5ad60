// OpenDeH's services as catalog entries, in one table: the embedded identity builds each
// token's catalog from it (http/views/keystone-view.ts) and `opendeh keystone register`
// writes the same entries into an external Keystone (services/keystone-register.ts).
// `{project_id}` marks where the token's project id goes (CONTRACT §1.1: the DeH URL must end
// with the project id, so Go and Python clients use it verbatim).

export interface CatalogService {
  readonly type: string;
  readonly name: string;
  /** Path under the public URL; may contain `{project_id}`. */
  readonly path: string;
  readonly description: string;
}

export const CATALOG_SERVICES: readonly CatalogService[] = [
  { type: 'deh', name: 'deh', path: '/v1.0/{project_id}', description: 'OpenDeH Dedicated Host API v1.0' },
  { type: 'compute', name: 'nova', path: '/compute/v2.1/{project_id}', description: 'OpenDeH compute (Nova v2.1 subset)' },
  { type: 'ecs', name: 'ecs', path: '/compute/v1/{project_id}', description: 'OpenDeH compute (OTC ECS v1)' },
  // openstackclient resolves `server create --image` through the image service (routes/images.ts).
  { type: 'image', name: 'glance', path: '/image', description: 'OpenDeH public image catalog' },
  // CONTRACT §10.1: the URL ends with the project id (otcextensions appends nothing); the Go
  // SDK derives its CTS v2 base by replacing the first "v1" (served too, routes/cts.ts).
  { type: 'cts', name: 'cts', path: '/cts/v1.0/{project_id}', description: 'OpenDeH Cloud Trace Service (CTS traces)' },
];

/** The URL of a service for one project. */
export function serviceUrl(publicUrl: string, s: CatalogService, projectId: string): string {
  return `${publicUrl}${s.path.replace('{project_id}', projectId)}`;
}

/** The URL template Keystone substitutes per token: `$(project_id)s`. */
export function keystoneTemplate(publicUrl: string, s: CatalogService): string {
  return `${publicUrl}${s.path.replace('{project_id}', '$(project_id)s')}`;
}
