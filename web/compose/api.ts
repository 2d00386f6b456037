/**
 * The composer's HTTP client of the Corridor API (same origin; the session cookie with its CSRF token, or
 * `Authorization: Bearer <token>`): the typed client derived from the API's own type
 * (functions/api/client.ts), so every shape below is the server's, not a copy. The composer reaches the
 * backend only over HTTP; the server's types are type imports, erased from the bundle.
 */
import type { InferRequestType, InferResponseType } from 'hono/client';
import { type ApiClient, answer, apiClient, type PostView, segment, type UploadInstruction } from '../../functions/api/client';

export type { PostView, UploadInstruction };

type Posts = ApiClient['api']['posts'];

export type PostState = PostView['state'];
export type MediaView = PostView['media'][number];
/** A face: where it is, and whether it is blurred in every output. Nothing else about it is known. */
export type FaceView = NonNullable<MediaView['faces']>[number];

/** One presigned PUT of the whole file. */
export type SingleUpload = Extract<UploadInstruction, { kind: 'single' }>;
/** A large file in parts; `parts` lists only those that have not arrived. */
export type MultipartUpload = Extract<UploadInstruction, { kind: 'multipart' }>;

export type CreatePostRequest = InferRequestType<Posts['$post']>['json'];
/** A draft's submit: for photos under face review, one blur flag per face, and the consent confirmation. */
export type SubmitRequest = InferRequestType<Posts[':id']['submit']['$post']>['json'];

/** The token's school and its classes (for the audience chips). */
export type SchoolInfo = InferResponseType<ApiClient['api']['schools']['me']['$get'], 200>;

/** Who is signed in: what the composer shows them (staff do not see the admin area). */
export interface Whoami {
  role: InferResponseType<ApiClient['api']['auth']['session']['$get'], 200>['role'];
  name: string;
}

/** How far a published post went, in counts. */
export type PostReach = InferResponseType<Posts[':id']['reach']['$get'], 200>['reach'];

/** A post's languages and translations, and the plan for a post not yet written. */
export type PostTranslations = InferResponseType<Posts[':postId']['translations']['$get'], 200>;
export type LanguageTranslation = InferResponseType<Posts[':postId']['translations'][':language']['$put'], 200>['translation'];
export type CorrectionInput = InferRequestType<Posts[':postId']['translations'][':language']['$put']>['json'];
export type TranslationPlan = InferResponseType<ApiClient['api']['translations']['languages']['$get'], 200>;

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

/** The composer's errors for a failed call: a refusal in the API's words, or no connection. */
const composerHooks = (offline: string) => ({
  unreachable: () => new NetworkError(offline),
  refused: (status: number, refusal: { code: string; message: string; details?: string[] } | undefined) =>
    new ApiError(
      status,
      refusal?.code ?? 'error',
      refusal?.message ?? `Corridor answered ${status}. Please try again.`,
      refusal?.details,
    ),
});

/** The signed-in browser's session, or undefined when there is none (401) or no signal. */
export async function browserSession(base = ''): Promise<{ csrfToken: string } | undefined> {
  const client = apiClient(base, composerHooks(''), { init: { cache: 'no-store' } });
  try {
    const { csrfToken } = await answer(client.api.auth.session.$get());
    return csrfToken ? { csrfToken } : undefined;
  } catch {
    return undefined;
  }
}

/** Asks for a sign-in link by email; the answer is the same whether or not the address is staff. */
export async function requestSignInLink(email: string, base = ''): Promise<string> {
  const client = apiClient(base, composerHooks('Corridor cannot be reached. Check your connection and try again.'));
  return (await answer(client.api.auth['sign-in'].$post({ json: { email } }))).message;
}

export class Api {
  /** The typed client (the admin screens call their routes through it). */
  readonly client: ApiClient;

  constructor(
    private readonly credential: Credential,
    base = '',
  ) {
    this.client = apiClient(base, composerHooks('No connection to Corridor. Check the signal and try again.'), {
      headers: credentialHeaders(credential),
      init: { cache: 'no-store' },
    });
  }

  /** A body that is not JSON (a CSV roster, a logo's bytes), with its own content type. */
  static raw(body: string | Blob, contentType: string) {
    return { headers: { 'content-type': contentType }, init: { body } };
  }

  /** A file the API offers for download (audit CSV, data export), with the name it suggests. */
  static async download(response: Promise<Response>): Promise<{ blob: Blob; filename: string }> {
    const answered = await response;
    const disposition = answered.headers.get('content-disposition') ?? '';
    return { blob: await answered.blob(), filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'corridor-download' };
  }

  createPost(request: CreatePostRequest) {
    return answer(this.client.api.posts.$post({ json: request }));
  }

  async getPost(id: string): Promise<PostView> {
    return (await answer(this.client.api.posts[':id'].$get({ param: { id: segment(id) } }))).post;
  }

  /** Sends a draft; for photos under face review, one blur flag per face (the API asks consent for faces shown). */
  async submit(id: string, body: SubmitRequest = {}): Promise<PostView> {
    return (await answer(this.client.api.posts[':id'].submit.$post({ param: { id: segment(id) }, json: body }))).post;
  }

  async editCaption(id: string, caption: string): Promise<PostView> {
    return (await answer(this.client.api.posts[':id'].$patch({ param: { id: segment(id) }, json: { caption } }))).post;
  }

  async retract(id: string): Promise<void> {
    await answer(this.client.api.posts[':id'].$delete({ param: { id: segment(id) } }));
  }

  /** The school's recent posts, newest first (the API has no per-author filter yet). */
  async listPosts(): Promise<PostView[]> {
    return (await answer(this.client.api.posts.$get())).posts;
  }

  /** The token's school and its classes (for the audience chips). */
  school(): Promise<SchoolInfo> {
    return answer(this.client.api.schools.me.$get());
  }

  /** The signed-in member's role and name. */
  async whoami(): Promise<Whoami> {
    const { role, name } = await answer(this.client.api.auth.session.$get());
    return { role, name };
  }

  async reach(postId: string): Promise<PostReach> {
    return (await answer(this.client.api.posts[':id'].reach.$get({ param: { id: segment(postId) } }))).reach;
  }

  /** Which languages the post is translated into, and each translation so far. */
  translations(postId: string): Promise<PostTranslations> {
    return answer(this.client.api.posts[':postId'].translations.$get({ param: { postId: segment(postId) } }));
  }

  /** Stores the author's own translation into one language (the translator is not asked). */
  async correctTranslation(postId: string, language: string, correction: CorrectionInput): Promise<LanguageTranslation> {
    const param = { postId: segment(postId), language: segment(language) };
    return (await answer(this.client.api.posts[':postId'].translations[':language'].$put({ param, json: correction })))
      .translation;
  }

  /** The languages a post for this audience would be translated into (before it is sent). */
  plannedLanguages(audience: string[]): Promise<TranslationPlan> {
    return answer(this.client.api.translations.languages.$get({ query: { audience } }));
  }

  /** How many staff posts wait for an admin (the Admin tab's badge). */
  async waitingApprovals(): Promise<number> {
    return (await answer(this.client.api.approvals.$get())).posts.length;
  }

  /** How to send a file now: for a large one, only the parts that have not arrived; null once it is in. */
  async upload(postId: string, mediaId: string): Promise<UploadInstruction | null> {
    return (await answer(this.uploads().$get({ param: this.uploadParam(postId, mediaId) }))).upload;
  }

  /** Tells the API a part arrived, with the ETag storage answered (completion needs every one). */
  async recordPart(postId: string, mediaId: string, partNumber: number, etag: string): Promise<void> {
    const param = { ...this.uploadParam(postId, mediaId), partNumber: String(partNumber) };
    await answer(this.uploads().parts[':partNumber'].$put({ param, json: { etag } }));
  }

  /** Joins the parts; storage then hands the file to the media worker. */
  async completeUpload(postId: string, mediaId: string): Promise<void> {
    await answer(this.uploads().complete.$post({ param: this.uploadParam(postId, mediaId) }));
  }

  /** Ends the browser's session (a pasted token is simply forgotten by the phone). */
  async signOut(): Promise<void> {
    if (this.credential.kind === 'session') await answer(this.client.api.auth['sign-out'].$post());
  }

  private uploads() {
    return this.client.api.posts[':postId'].uploads[':mediaId'];
  }

  private uploadParam(postId: string, mediaId: string) {
    return { postId: segment(postId), mediaId: segment(mediaId) };
  }
}
