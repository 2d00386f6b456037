/**
 * The composer's HTTP client of the Corridor API (same origin; the session cookie with its CSRF token, or
 * `Authorization: Bearer <token>`).
 * Shapes mirror functions/api/views.ts; the composer reaches the backend only over HTTP.
 */

export type PostState = 'draft' | 'processing' | 'pending_approval' | 'scheduled' | 'published' | 'failed' | 'retracted';

export interface MediaView {
  id: string;
  state: 'awaiting_upload' | 'uploaded' | 'processing' | 'ready' | 'failed';
  kind?: 'image' | 'video' | 'audio';
  progress?: number;
  failure?: { code: string; message: string };
  /** The faces found in a photo (or a video's poster), boxes in fractions of the upright picture. */
  faces?: FaceView[];
  faceChoice?: 'blur' | 'keep';
  /** A draft's photo whose faces wait for the teacher's choice, face by face. */
  faceReview?: boolean;
  /** Why the rules start its faces blurred: pupils without consent for the audience, or the school's setting. */
  faceBlurReason?: 'consent' | 'setting';
}

/** A face: where it is, and whether it is blurred in every output. Nothing else about it is known. */
export interface FaceView {
  x: number;
  y: number;
  w: number;
  h: number;
  blur: boolean;
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
  /** A change waiting for an admin's approval (the post shows as it was until then). */
  pendingChange?: { caption?: string; audience?: string[] };
}

/** One presigned PUT of the whole file (functions/core/media/uploads.ts). */
export interface SingleUpload {
  mediaId: string;
  kind: 'single';
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
}

/** A large file in parts; `parts` lists only those that have not arrived (functions/core/media/multipart.ts). */
export interface MultipartUpload {
  mediaId: string;
  kind: 'multipart';
  partBytes: number;
  totalParts: number;
  received: number[];
  parts: { partNumber: number; bytes: number; url: string }[];
}

/** Where and how to send one file, as the API says. */
export type UploadInstruction = SingleUpload | MultipartUpload;

export interface SchoolInfo {
  id: string;
  name: string;
  classes: { id: string; name: string; archived?: boolean }[];
}

/** Who is signed in: what the composer shows them (staff do not see the admin area). */
export interface Whoami {
  role: 'admin' | 'staff';
  name: string;
}

/** How far a published post went, in counts: the API's own type (a type import, erased from the bundle). */
import type { PostReach } from '../../functions/core/notify/reach';

export type { PostReach };

/** A post's languages and translations, and the plan for a post not yet written: the API's own types. */
import type { CorrectionInput, LanguageTranslation, PostTranslations } from '../../functions/core/translate/corrections';
import type { TranslationPlan } from '../../functions/core/translate/languages';

export type { CorrectionInput, LanguageTranslation, PostTranslations, TranslationPlan };

export interface CreatePostRequest {
  idempotencyKey: string;
  audience: string[];
  caption: string;
  media: { contentType: string; bytes: number; alt: string }[];
  /** A draft whose photos' faces the teacher chooses before it goes out (sent with `submit`). */
  draft?: boolean;
  reviewFaces?: boolean;
  /** The poster checked that the pupils the API named cannot be recognised (photo consent). */
  consentConfirmed?: boolean;
}

/** An answer from the API that is not a success, with the sentence it gave for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Line-by-line problems (a roster's bad rows), when the API gave them. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The network failed (offline, dropped): the request may be retried later as is. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

/**
 * How the composer proves who it is: the browser's session from an emailed sign-in link (the cookie goes
 * by itself; writes add the session's CSRF token), or a staff API token pasted on this phone.
 */
export type Credential = { kind: 'session'; csrfToken: string } | { kind: 'token'; token: string };

const credentialHeaders = (credential: Credential): Record<string, string> =>
  credential.kind === 'token' ? { authorization: `Bearer ${credential.token}` } : { 'x-csrf-token': credential.csrfToken };

/** The signed-in browser's session, or undefined when there is none (401) or no signal. */
export async function browserSession(base = ''): Promise<{ csrfToken: string } | undefined> {
  try {
    const response = await fetch(`${base}/api/auth/session`, { cache: 'no-store' });
    return response.ok ? ((await response.json()) as { csrfToken: string }) : undefined;
  } catch {
    return undefined;
  }
}

/** Asks for a sign-in link by email; the answer is the same whether or not the address is staff. */
export async function requestSignInLink(email: string, base = ''): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
  } catch {
    throw new NetworkError('Corridor cannot be reached. Check your connection and try again.');
  }
  const data = (await response.json().catch(() => ({}))) as { message?: string; error?: { code?: string; message?: string } };
  if (!response.ok) {
    throw new ApiError(response.status, data.error?.code ?? 'error', data.error?.message ?? 'The link could not be sent.');
  }
  return data.message ?? 'A sign-in link is on its way.';
}

export class Api {
  constructor(
    private readonly credential: Credential,
    private readonly base = '',
  ) {}

  private async send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/api${path}`, {
        method,
        headers: { ...credentialHeaders(this.credential), ...(body === undefined ? {} : { 'content-type': contentType }) },
        body: body === undefined ? undefined : typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new NetworkError('No connection to Corridor. Check the signal and try again.');
    }
    if (!response.ok) {
      const data = (await response.json().catch(() => ({}))) as {
        error?: { code?: string; message?: string; details?: string[] };
      };
      throw new ApiError(
        response.status,
        data.error?.code ?? 'error',
        data.error?.message ?? `Corridor answered ${response.status}. Please try again.`,
        data.error?.details,
      );
    }
    return response;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.send(method, path, body)).json().catch(() => ({}))) as T;
  }

  /** Any JSON call (the admin screens bring their own shapes). */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.call<T>(method, path, body);
  }

  /** A CSV body (the consent roster), answered with JSON. */
  async sendCsv<T>(method: string, path: string, csv: string): Promise<T> {
    return (await (await this.send(method, path, csv, 'text/csv')).json()) as T;
  }

  /** A file's own bytes as the body (the school's logo), answered with JSON. */
  async sendFile<T>(method: string, path: string, file: Blob): Promise<T> {
    return (await (await this.send(method, path, file, file.type || 'application/octet-stream')).json()) as T;
  }

  /** A file the API offers for download (audit CSV, data export), with the name it suggests. */
  async download(path: string): Promise<{ blob: Blob; filename: string }> {
    const response = await this.send('GET', path);
    const disposition = response.headers.get('content-disposition') ?? '';
    return { blob: await response.blob(), filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'corridor-download' };
  }

  createPost(request: CreatePostRequest) {
    return this.call<{ post: PostView; uploads: UploadInstruction[] }>('POST', '/posts', request);
  }

  async getPost(id: string): Promise<PostView> {
    return (await this.call<{ post: PostView }>('GET', `/posts/${encodeURIComponent(id)}`)).post;
  }

  /** Sends a draft; for photos under face review, one blur flag per face (the API asks consent for faces shown). */
  async submit(id: string, body: { faces?: Record<string, boolean[]>; consentConfirmed?: boolean } = {}): Promise<PostView> {
    return (await this.call<{ post: PostView }>('POST', `/posts/${encodeURIComponent(id)}/submit`, body)).post;
  }

  async editCaption(id: string, caption: string): Promise<PostView> {
    return (await this.call<{ post: PostView }>('PATCH', `/posts/${encodeURIComponent(id)}`, { caption })).post;
  }

  async retract(id: string): Promise<void> {
    await this.call('DELETE', `/posts/${encodeURIComponent(id)}`);
  }

  /** The school's recent posts, newest first (the API has no per-author filter yet). */
  async listPosts(): Promise<PostView[]> {
    return (await this.call<{ posts: PostView[] }>('GET', '/posts')).posts;
  }

  /** The token's school and its classes (for the audience chips). */
  school(): Promise<SchoolInfo> {
    return this.call<SchoolInfo>('GET', '/schools/me');
  }

  /** The signed-in member's role and name. */
  async whoami(): Promise<Whoami> {
    const { role, name } = await this.call<Whoami>('GET', '/auth/session');
    return { role, name };
  }

  async reach(postId: string): Promise<PostReach> {
    return (await this.call<{ reach: PostReach }>('GET', `/posts/${encodeURIComponent(postId)}/reach`)).reach;
  }

  /** Which languages the post is translated into, and each translation so far. */
  translations(postId: string): Promise<PostTranslations> {
    return this.call<PostTranslations>('GET', `/posts/${encodeURIComponent(postId)}/translations`);
  }

  /** Stores the author's own translation into one language (the translator is not asked). */
  async correctTranslation(postId: string, language: string, correction: CorrectionInput): Promise<LanguageTranslation> {
    const path = `/posts/${encodeURIComponent(postId)}/translations/${encodeURIComponent(language)}`;
    return (await this.call<{ translation: LanguageTranslation }>('PUT', path, correction)).translation;
  }

  /** The languages a post for this audience would be translated into (before it is sent). */
  plannedLanguages(audience: string[]): Promise<TranslationPlan> {
    const query = audience.map((a) => `audience=${encodeURIComponent(a)}`).join('&');
    return this.call<TranslationPlan>('GET', `/translations/languages?${query}`);
  }

  /** How many staff posts wait for an admin (the Admin tab's badge). */
  async waitingApprovals(): Promise<number> {
    return (await this.call<{ posts: unknown[] }>('GET', '/approvals')).posts.length;
  }

  /** How to send a file now: for a large one, only the parts that have not arrived; null once it is in. */
  async upload(postId: string, mediaId: string): Promise<UploadInstruction | null> {
    return (await this.call<{ upload: UploadInstruction | null }>('GET', this.uploadPath(postId, mediaId))).upload;
  }

  /** Tells the API a part arrived, with the ETag storage answered (completion needs every one). */
  async recordPart(postId: string, mediaId: string, partNumber: number, etag: string): Promise<void> {
    await this.call('PUT', `${this.uploadPath(postId, mediaId)}/parts/${partNumber}`, { etag });
  }

  /** Joins the parts; storage then hands the file to the media worker. */
  async completeUpload(postId: string, mediaId: string): Promise<void> {
    await this.call('POST', `${this.uploadPath(postId, mediaId)}/complete`);
  }

  /** Ends the browser's session (a pasted token is simply forgotten by the phone). */
  async signOut(): Promise<void> {
    if (this.credential.kind === 'session') await this.call('POST', '/auth/sign-out');
  }

  private uploadPath(postId: string, mediaId: string) {
    return `/posts/${encodeURIComponent(postId)}/uploads/${encodeURIComponent(mediaId)}`;
  }
}
