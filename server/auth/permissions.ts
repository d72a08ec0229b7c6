/** Scope checks used by routes: a key sees only its workspaces and permissions. */
import type { FastifyRequest } from 'fastify';
import { forbidden, notFound } from '../errors';
import type { Permission } from '../config-schema';
import type { ApiKeyRecord } from '../store/keys';

export function keyOf(request: FastifyRequest): ApiKeyRecord {
  const key = request.apiKey;
  if (!key) throw new Error('route used without authentication');
  return key;
}

export const coversWorkspace = (key: Pick<ApiKeyRecord, 'workspaces'>, workspace: string) =>
  key.workspaces.includes('*') || key.workspaces.includes(workspace);

export function requirePermission(key: ApiKeyRecord, permission: Permission): void {
  if (!key.permissions.includes(permission)) {
    throw forbidden(`this API key lacks the '${permission}' permission`, 'missing_permission');
  }
}

/** 403 when the workspace is outside the key's scope. */
export function requireWorkspace(key: ApiKeyRecord, workspace: string): void {
  if (!coversWorkspace(key, workspace)) {
    throw forbidden(`this API key has no access to workspace '${workspace}'`, 'workspace_forbidden');
  }
}

/** For resources found by id (sessions, messages): out of scope reads as not found, so ids do not leak. */
export function requireVisible(key: ApiKeyRecord, workspace: string, what: string, id: string): void {
  if (!coversWorkspace(key, workspace)) throw notFound(what, id);
}

/** Filters a list of workspace ids down to those a key may see. */
export const visibleWorkspaces = (key: ApiKeyRecord, ids: string[]) => ids.filter((id) => coversWorkspace(key, id));
