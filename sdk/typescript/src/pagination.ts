/**
 * Offset pagination over the gateway's list endpoints (`{data, total}` replies, `limit` /
 * `offset` queries). A list method returns a {@link PagePromise}: `await` it for the first page
 * (`data`, `total`, …), or `for await` it for every item of every page, fetched as needed.
 */

/** A list reply: its items and how many there are in all. */
export interface PageBody<T> {
  data: T[];
  total: number;
}

/** @internal Fetches one page at an offset. */
export type FetchPage<B> = (offset: number) => Promise<B>;

/**
 * One page of a list: the reply's fields as sent (`data`, `total`, and `limit` / `offset` where the
 * endpoint returns them), plus navigation. Iterating a page yields its items and those of the
 * pages after it. Offsets shift if items are added or removed while paging.
 */
export class Page<T, B extends PageBody<T> = PageBody<T>> implements AsyncIterable<T> {
  declare data: T[];
  declare total: number;
  readonly #fetch: FetchPage<B>;
  readonly #offset: number;

  /** @internal */
  constructor(body: B, offset: number, fetch: FetchPage<B>) {
    Object.assign(this, body);
    this.#offset = offset;
    this.#fetch = fetch;
  }

  /** True when items remain after this page. */
  hasNextPage(): boolean {
    return this.data.length > 0 && this.#offset + this.data.length < this.total;
  }

  /** The page after this one (call only when {@link hasNextPage} is true). */
  async getNextPage(): Promise<Page<T, B> & B> {
    const offset = this.#offset + this.data.length;
    return new Page(await this.#fetch(offset), offset, this.#fetch) as Page<T, B> & B;
  }

  /** This page and every page after it. */
  async *iterPages(): AsyncGenerator<Page<T, B> & B> {
    let page = this as unknown as Page<T, B> & B;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What a list method returns: a promise of the first page that is also an async iterable of
 * every item. The first request starts when it is awaited or iterated.
 *
 * @example
 * ```ts
 * for await (const session of client.sessions.list({ workspace: 'team' })) console.log(session.id);
 * const { data, total } = await client.sessions.list({ workspace: 'team', limit: 50 });
 * ```
 */
export class PagePromise<T, B extends PageBody<T> = PageBody<T>>
  implements PromiseLike<Page<T, B> & B>, AsyncIterable<T>
{
  #first: Promise<Page<T, B> & B> | null = null;

  /** @internal */
  constructor(
    private readonly startOffset: number,
    private readonly fetch: FetchPage<B>,
  ) {}

  #page(): Promise<Page<T, B> & B> {
    this.#first ??= this.fetch(this.startOffset).then(
      (body) => new Page(body, this.startOffset, this.fetch) as Page<T, B> & B,
    );
    return this.#first;
  }

  then<R1 = Page<T, B> & B, R2 = never>(
    onfulfilled?: ((page: Page<T, B> & B) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#page().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<(Page<T, B> & B) | R> {
    return this.#page().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page<T, B> & B> {
    return this.#page().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.#page();
  }
}
