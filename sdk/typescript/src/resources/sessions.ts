/** `client.sessions`: list, get, history, delete, deleteAll. */
import type { RequestOptions, Transport } from '../http.js';
import { PagePromise } from '../pagination.js';
import type {
  DeletedSessions,
  HistoryParams,
  ListSessionsParams,
  Session,
  SessionHistory,
  SessionList,
} from '../types.js';

const path = (id: string) => `/sessions/${encodeURIComponent(id)}`;

/** `client.sessions`: list, read, page through and clear sessions. */
export class Sessions {
  /** @internal */
  constructor(private readonly http: Transport) {}

  /**
   * Sessions of the workspaces this key can see (`GET /sessions`), newest activity first.
   * `await` it for one page with `total`; `for await` it for every session, page after page.
   */
  list(params: ListSessionsParams = {}, opts: RequestOptions = {}): PagePromise<Session, SessionList> {
    return new PagePromise(params.offset ?? 0, (offset) =>
      this.http.json('GET', '/sessions', { ...opts, query: { ...params, offset } }),
    );
  }

  /** One session (`GET /sessions/{sessionId}`). */
  get(sessionId: string, opts: RequestOptions = {}): Promise<Session> {
    return this.http.json('GET', path(sessionId), opts);
  }

  /** A session's messages, oldest first; `offset` counts back from the newest (`GET /sessions/{id}/history`). */
  history(sessionId: string, params: HistoryParams = {}, opts: RequestOptions = {}): Promise<SessionHistory> {
    return this.http.json('GET', `${path(sessionId)}/history`, { ...opts, query: { ...params } });
  }

  /** Clears a session (`DELETE /sessions/{sessionId}`). */
  async delete(sessionId: string, opts: RequestOptions = {}): Promise<void> {
    await this.http.json('DELETE', path(sessionId), opts);
  }

  /** Clears every session of a workspace (`DELETE /sessions?workspace=`). */
  deleteAll(params: { workspace: string }, opts: RequestOptions = {}): Promise<DeletedSessions> {
    return this.http.json('DELETE', '/sessions', { ...opts, query: { workspace: params.workspace } });
  }
}
