import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { OfficerWorkflow } from '../src/application/officers';
import type { AuthServiceOptions } from '../src/application/auth';
import type { AppDeps } from '../src/deps';
import authPlugin from './auth/auth-plugin';
import { complaintRoutes } from './complaints/complaint-routes';
import { directoryRoutes } from './directory/directory-routes';
import { personalDataRoutes } from './personal-data/personal-data-routes';
import { publicRoutes } from './public-api/public-routes';

export interface AdminPluginOptions {
  deps: AppDeps;
  auth?: AuthServiceOptions;
  lookupsPerMinute?: number;
  searchesPerMinute?: number;
}

/**
 * The officers' API (`/api/admin/...`) and the public API (`/api/public/...`). Auth is mounted on the
 * parent (its `authenticate` decorator serves the statistics plugin too); the route groups are
 * encapsulated, each with its own hooks.
 */
export async function registerAdmin(app: FastifyInstance, options: AdminPluginOptions): Promise<void> {
  const { deps } = options;
  await app.register(authPlugin, { deps, auth: options.auth });
  const workflow = new OfficerWorkflow({
    complaints: deps.stores.complaints,
    agencies: deps.stores.agencies,
    clock: deps.clock,
    deadlines: deps.config.deadlines,
    limits: deps.config.limits,
  });
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: deps.config.limits.maxFileBytes, files: deps.config.limits.maxAttachments },
    });
    await scope.register(complaintRoutes, { deps, workflow });
  });
  await app.register(directoryRoutes, { deps });
  await app.register(personalDataRoutes, { deps });
  await app.register(publicRoutes, {
    deps,
    lookupsPerMinute: options.lookupsPerMinute,
    searchesPerMinute: options.searchesPerMinute,
  });
}
