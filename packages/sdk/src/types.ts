import type { Level, Permission } from '@atrium/policy';
import type { paths } from './schema';

/**
 * The SDK's shared types: what the client and the middleware both speak
 * (kept apart so client.ts and middleware.ts do not import each other).
 */

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

/** Whose access a check asks about: a member (user) or an API key of the workspace. */
export type CheckSubject = { userId: string } | { apiKeyId: string };

/** One access question. `permission` is a catalog name: a typo does not compile. */
export interface CheckInput {
  workspaceId: string;
  /** The agent the question is about; absent or null = workspace-wide. */
  agentId?: string | null;
  subject: CheckSubject;
  permission: Permission;
  /** The level needed. */
  level: Level;
  /** Answer only from state at least this new: pass the `revision` an access write returned. */
  atLeastRevision?: number;
}

/** One check of a compact batch: what it omits comes from the batch's defaults. */
export type BatchCheckInput = Pick<CheckInput, 'permission' | 'level'> &
  Partial<Pick<CheckInput, 'workspaceId' | 'agentId' | 'subject' | 'atLeastRevision'>>;

/** Values every check of a batch takes unless it gives its own. */
export type BatchDefaults = Partial<
  Pick<CheckInput, 'workspaceId' | 'agentId' | 'subject' | 'atLeastRevision'>
>;

/** The answer: whether the subject has at least the level, its actual level, and the revision decided on. */
export interface CheckResult {
  allowed: boolean;
  level: Level;
  revision: number;
}

export type Catalog = Json<'/v1/catalog', 'get'>;
export type EffectiveAccess = Json<'/v1/workspaces/{workspaceId}/members/{userId}/effective', 'get'>;
export type WhoHasAccessPage = Json<'/v1/workspaces/{workspaceId}/access', 'get'>;

/** An RFC 9457 problem document as the Atrium API returns it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { path: string; message: string; valid?: string[] }[];
  requestId?: string;
  [extra: string]: unknown;
}

export interface ClientOptions {
  /** Where Atrium listens, e.g. `https://atrium.example.com`. */
  baseUrl: string;
  /** An Atrium API key (`atr_…`) of the workspace the checks are about. */
  apiKey: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export interface AtriumClient {
  /** One decision (`POST /v1/check`). */
  check(input: CheckInput): Promise<CheckResult>;
  /** Up to 1,000 decisions in one round trip (`POST /v1/check/batch`), answers in order. */
  checkBatch(checks: readonly CheckInput[]): Promise<CheckResult[]>;
  /**
   * A compact batch: `defaults` (workspace, agent, subject, token) apply to
   * every check that does not give its own — e.g. every permission of one
   * person on one agent, to render a page.
   */
  checkBatch(checks: readonly BatchCheckInput[], defaults: BatchDefaults): Promise<CheckResult[]>;
  /** A member's level on every item, with explanations, grouped by area. */
  effective(input: { workspaceId: string; userId: string; agentId?: string }): Promise<EffectiveAccess>;
  /** Who has at least `level` (default read) on `permission`, one page at a time. */
  whoHasAccess(input: {
    workspaceId: string;
    permission: Permission;
    level?: Level;
    agentId?: string;
    cursor?: string;
    limit?: number;
  }): Promise<WhoHasAccessPage>;
  /** The permission catalog: areas, items, levels, built-in presets. */
  catalog(): Promise<Catalog>;
  /**
   * Fastify/Express middleware answering 403 problem details unless the
   * request's user has `level` on `permission` (see `requirePermission` in middleware.ts).
   */
  requirePermission<Req = unknown>(
    permission: Permission,
    level: Level,
    resolve: TargetResolver<Req>,
    options?: RequirePermissionOptions,
  ): PermissionMiddleware<Req>;
}

/** What a request is about, as the service knows it (from its own session or route). */
export interface CheckTarget {
  workspaceId: string;
  agentId?: string | null;
  /** The person making the request; null/undefined = nobody signed in (401). */
  userId: string | null | undefined;
}

/** Maps an incoming request to the question to ask Atrium. */
export type TargetResolver<Req> = (req: Req) => CheckTarget | Promise<CheckTarget>;

/** The parts of a Fastify reply the middleware uses. */
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  type(contentType: string): FastifyLikeReply;
  send(payload: unknown): unknown;
}

/** The parts of an Express/Node response the middleware uses. */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** A handler usable as a Fastify `preHandler` and as Express/Connect middleware. */
export type PermissionMiddleware<Req> = {
  (req: Req, reply: FastifyLikeReply): Promise<unknown>;
  (req: Req, res: NodeLikeResponse, next: (err?: unknown) => void): void;
};

export interface RequirePermissionOptions {
  /** Called with each decision (logging, metrics); the middleware has already acted on it. */
  onDecision?: (decision: CheckResult, target: CheckTarget) => void;
}
