/**
 * The composer's HTTP client of the Corridor API (same origin, `Authorization: Bearer <token>`).
 * Shapes mirror functions/api/views.ts; the composer reaches the backend only over HTTP.
 */

export type PostState = 'draft' | 'processing' | 'pending_approval' | 'scheduled' | 'published' | 'failed' | 'retracted';

export interface MediaView {
  id: string;
  state: 'awaiting_upload' | 'processing' | 'ready' | 'failed';
  kind?: 'image' | 'video' | 'audio';
  progress?: number;
  failure?: { code: string; message: string };
}

export interface PostView {
  id: string;
  state: PostState;
  audience: string[];
  caption: string;
  url?: string;
  failure?: { code: string; message: string };
  createdAt: string;
  publishedAt?: string;
  publishAt?: string | null;
  live: boolean;
  media: MediaView[];
}

/** Where and how to send one file. `strategy` is absent for a single presigned PUT. */
export interface UploadInstruction {
  mediaId: string;
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  strategy?: string;
}

export interface SchoolInfo {
  id: string;
  name: string;
  classes: { id: string; name: string }[];
}

export interface CreatePostRequest {
  idempotencyKey: string;
  audience: string[];
  caption: string;
  media: { contentType: string; bytes: number; alt: string }[];
}

/** An answer from the API that is not a success, with the sentence it gave for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The network failed (offline, dropped): the request may be retried later as is. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export class Api {
  constructor(
    private readonly token: string,
    private readonly base = '',
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new NetworkError('No connection to Corridor.');
    }
    const data = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!response.ok) {
      throw new ApiError(
        response.status,
        data.error?.code ?? 'error',
        data.error?.message ?? `Corridor answered ${response.status}. Please try again.`,
      );
    }
    return data as T;
  }

  createPost(request: CreatePostRequest) {
    return this.call<{ post: PostView; uploads: UploadInstruction[] }>('POST', '/posts', request);
  }

  async getPost(id: string): Promise<PostView> {
    return (await this.call<{ post: PostView }>('GET', `/posts/${encodeURIComponent(id)}`)).post;
  }

  async retract(id: string): Promise<void> {
    await this.call('DELETE', `/posts/${encodeURIComponent(id)}`);
  }

  /** The staff member's own posts, newest first; undefined while the API has no listing route. */
  async listPosts(): Promise<PostView[] | undefined> {
    try {
      return (await this.call<{ posts: PostView[] }>('GET', '/posts?mine=1&limit=30')).posts;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return undefined;
      throw error;
    }
  }

  /**
   * The token's school and its classes. Until `GET /api/schools/me` exists, a token is checked by
   * asking for a post that cannot exist: 401 means a bad token, 404 a good one.
   */
  async school(): Promise<SchoolInfo | undefined> {
    try {
      return await this.call<SchoolInfo>('GET', '/schools/me');
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
    }
    try {
      await this.call('GET', '/posts/0000000000');
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
    return undefined;
  }
}
