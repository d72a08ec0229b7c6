/** `client.workspaces`: list, get, create, updateAllowlist, delete. */
import type { RequestOptions, Transport } from '../http.js';
import type { Allowlist, AllowlistUpdate, CreateWorkspaceParams, Workspace, WorkspaceList } from '../types.js';

const path = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

/** `client.workspaces`: list, read, create, change the allowlist of, and delete workspaces. */
export class Workspaces {
  /** @internal */
  constructor(private readonly http: Transport) {}

  /** The workspaces this key can see (`GET /workspaces` → `{data}`). */
  list(opts: RequestOptions = {}): Promise<WorkspaceList> {
    return this.http.json('GET', '/workspaces', opts);
  }

  /** One workspace (`GET /workspaces/{workspaceId}`). */
  get(workspaceId: string, opts: RequestOptions = {}): Promise<Workspace> {
    return this.http.json('GET', path(workspaceId), opts);
  }

  /** Creates a workspace (`POST /workspaces`); 409 `already_exists` when the id is taken. */
  create(params: CreateWorkspaceParams, opts: RequestOptions = {}): Promise<Workspace> {
    return this.http.json('POST', '/workspaces', { ...opts, body: params });
  }

  /** Adds and removes `channel:id` entries (`PATCH /workspaces/{id}/allowlist`). */
  updateAllowlist(workspaceId: string, update: AllowlistUpdate, opts: RequestOptions = {}): Promise<Allowlist> {
    return this.http.json('PATCH', `${path(workspaceId)}/allowlist`, { ...opts, body: update });
  }

  /** Deletes a workspace (`DELETE /workspaces/{workspaceId}`); config workspaces are read-only (409). */
  async delete(workspaceId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.json('DELETE', path(workspaceId), opts);
  }
}
