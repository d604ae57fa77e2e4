import { compile, type WorkspaceState } from '@atrium/policy';
import { REVISION_CHANNEL } from '../../command/revision';
import type { Database } from '../../db';
import { problem } from '../../errors';
import { ApiKeyCache } from './api-keys';
import type { AccessStateSource, CachedAccess } from './service';
import { loadWorkspaceState } from './state';

export interface AccessCacheOptions {
  /** Most workspaces kept (least recently used dropped first). */
  maxWorkspaces: number;
  /**
   * How long a read keeps catching up with revisions announced (NOTIFY)
   * while it ran before answering from the newest state it has (ms). A
   * caller's token above the database's revision is refused at once.
   */
  tokenWaitMs?: number;
}

/** Counters for tests and `/metrics`. */
export interface AccessCacheStats {
  hits: number;
  loads: number;
  evictions: number;
  notifications: number;
  /** Revision probes made for tokens this instance had not seen. */
  probes: number;
  size: number;
}

interface Slot {
  entry: CachedAccess | null;
  /** Highest revision this instance knows of (from NOTIFY, a token or a revision probe). */
  known: number;
  /** The load in flight, if any (single flight per workspace). */
  loading: Promise<CachedAccess | null> | null;
  /** The next revision probe, scheduled and not started yet: callers with an unseen token join it. */
  probe: Promise<number | null> | null;
  /** When the last probe started (ms): probes of one workspace start at most every PROBE_INTERVAL_MS. */
  probedAt: number;
}

/**
 * Least time between two revision probes of one workspace for tokens this
 * instance has not seen: bursts of unseen (or bogus) tokens share one
 * `SELECT revision` per interval instead of one read each (issue 14).
 */
const PROBE_INTERVAL_MS = 10;

const NOTHING = Promise.resolve(null);

/**
 * The per-instance cache of access state (docs/rules.md §3, "Changes take effect
 * immediately"). It lives on the app instance (`app.accessState`), never in
 * module state, and is bounded (LRU by workspace).
 *
 * Two read modes:
 * - {@link AccessCache.get} (the guard of ordinary routes): strictly current.
 *   One `SELECT revision` per call; the cached state is reused only when it
 *   is exactly the database's revision, so a removed member's next request
 *   fails on every instance whether or not this one heard the NOTIFY.
 * - {@link AccessCache.forCheck} (`/v1/check`): answered from memory unless
 *   the instance knows of a newer revision (announced on
 *   `REVISION_CHANNEL` by `bumpRevision`, or named by the caller's
 *   `atLeastRevision`), in which case it reads through. Never answers from a
 *   state older than a revision it knows of.
 */
export class AccessCache implements AccessStateSource {
  private readonly slots = new Map<string, Slot>();
  private mru: string | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private closed = false;
  private readonly counters = { hits: 0, loads: 0, evictions: 0, notifications: 0, probes: 0 };
  private readonly maxWorkspaces: number;
  private readonly tokenWaitMs: number;
  /** API-key resolutions, dropped with their workspace's revision announcements. */
  readonly apiKeys = new ApiKeyCache();

  constructor(
    private readonly database: Database,
    options: AccessCacheOptions,
  ) {
    this.maxWorkspaces = Math.max(1, options.maxWorkspaces);
    this.tokenWaitMs = options.tokenWaitMs ?? 1000;
  }

  /** Subscribes to revision announcements; call once before serving. */
  async start(): Promise<void> {
    this.unlisten = await this.database.listen(REVISION_CHANNEL, (payload) => this.onNotify(payload));
  }

  /**
   * Strictly current state (mode a): one cheap revision probe, then the cached
   * state if it is that revision, else a reload. Null when the workspace does
   * not exist.
   */
  async get(workspaceId: string, atLeastRevision?: number): Promise<WorkspaceState | null> {
    return (await this.current(workspaceId, atLeastRevision))?.state ?? null;
  }

  /** Like {@link get}, with the compiled index. */
  async current(workspaceId: string, atLeastRevision = 0): Promise<CachedAccess | null> {
    const row = await this.database.db
      .selectFrom('workspaces')
      .select('revision')
      .where('id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) {
      this.drop(workspaceId);
      return null;
    }
    const slot = this.slotFor(workspaceId);
    const revision = Number(row.revision);
    if (revision > slot.known) slot.known = revision;
    // A caller's token only raises what THIS call waits for: a bogus token must
    // not make the cache stale for everyone.
    const want = Math.max(slot.known, atLeastRevision);
    const entry = slot.entry;
    if (entry !== null && entry.revision >= want) {
      this.counters.hits++;
      return entry;
    }
    // The database (just read) is behind the token: refuse at once.
    if (atLeastRevision > revision) throw revisionUnknown(revision, atLeastRevision);
    return this.loadAtLeast(workspaceId, want);
  }

  /**
   * The state to answer a check from (mode b). Returns the cached entry
   * synchronously when it is at least `atLeastRevision` and no newer
   * revision is known (no database round trip, no promise); otherwise a
   * promise of a read-through load. Resolves to null when the workspace
   * does not exist.
   */
  forCheck(workspaceId: string, atLeastRevision?: number): CachedAccess | Promise<CachedAccess | null> {
    const slot = this.slots.get(workspaceId);
    let want = slot === undefined ? 0 : slot.known;
    // A caller's token only raises what THIS call waits for: a bogus token must
    // not make the cache stale for everyone.
    if (atLeastRevision !== undefined && atLeastRevision > want) want = atLeastRevision;
    if (slot !== undefined) {
      const entry = slot.entry;
      if (entry !== null && entry.revision >= want) {
        this.counters.hits++;
        if (this.mru !== workspaceId) this.touch(workspaceId, slot);
        return entry;
      }
    }
    if (atLeastRevision === undefined || slot === undefined || atLeastRevision <= slot.known) {
      return this.loadAtLeast(workspaceId, want);
    }
    // A token this instance has not seen: ask the database how far it is
    // (one shared probe), refuse a token it has not reached, else load.
    return this.probeRevision(workspaceId, slot).then((revision) => {
      if (revision === null) return null;
      if (atLeastRevision > revision) throw revisionUnknown(revision, atLeastRevision);
      return this.loadAtLeast(workspaceId, want);
    });
  }

  /**
   * The database's current revision of a workspace, read by a probe that
   * starts after this call (so it sees every write committed before it) and
   * is shared by every caller that arrives before it starts.
   */
  private probeRevision(workspaceId: string, slot: Slot): Promise<number | null> {
    if (slot.probe !== null) return slot.probe;
    const delay = Math.max(0, slot.probedAt + PROBE_INTERVAL_MS - Date.now());
    const probe = sleep(delay).then(async () => {
      // Started: later callers schedule the next probe.
      if (slot.probe === probe) slot.probe = null;
      slot.probedAt = Date.now();
      this.counters.probes++;
      const row = await this.database.db
        .selectFrom('workspaces')
        .select('revision')
        .where('id', '=', workspaceId)
        .executeTakeFirst();
      if (!row) return null;
      const revision = Number(row.revision);
      if (revision > slot.known) {
        slot.known = revision;
      }
      return revision;
    });
    slot.probe = probe;
    return probe;
  }

  /** Sizes and counters, for tests and monitoring. */
  stats(): AccessCacheStats {
    return { ...this.counters, size: this.slots.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    const unlisten = this.unlisten;
    this.unlisten = null;
    this.slots.clear();
    this.apiKeys.clear();
    if (unlisten) await unlisten().catch(() => {});
  }

  /** `<workspaceId>:<revision>` from bumpRevision's NOTIFY (delivered at commit). */
  private onNotify(payload: string): void {
    this.counters.notifications++;
    const at = payload.lastIndexOf(':');
    if (at <= 0) return;
    const workspaceId = payload.slice(0, at);
    const revision = Number(payload.slice(at + 1));
    if (!Number.isSafeInteger(revision)) return;
    // Any access change may be a key revocation: forget that workspace's keys.
    this.apiKeys.invalidateWorkspace(workspaceId);
    const slot = this.slots.get(workspaceId);
    // Workspaces this instance does not hold are loaded on first use anyway.
    if (slot === undefined || revision <= slot.known) return;
    slot.known = revision;
    // Refresh eagerly so the next check finds the new state already loaded;
    // until it lands, checks wait on this same load (never the stale entry).
    if (slot.entry !== null && slot.entry.revision < revision) {
      this.loadAtLeast(workspaceId, revision).catch(() => {});
    }
  }

  private slotFor(workspaceId: string): Slot {
    let slot = this.slots.get(workspaceId);
    if (slot === undefined) {
      slot = { entry: null, known: 0, loading: null, probe: null, probedAt: 0 };
      this.slots.set(workspaceId, slot);
      this.mru = workspaceId;
      this.evict();
    } else if (this.mru !== workspaceId) this.touch(workspaceId, slot);
    return slot;
  }

  /** Moves a workspace to the most-recently-used end (Map keeps insertion order). */
  private touch(workspaceId: string, slot: Slot): void {
    this.slots.delete(workspaceId);
    this.slots.set(workspaceId, slot);
    this.mru = workspaceId;
  }

  private evict(): void {
    while (this.slots.size > this.maxWorkspaces) {
      const oldest = this.slots.keys().next().value as string;
      this.slots.delete(oldest);
      this.counters.evictions++;
    }
  }

  private drop(workspaceId: string): void {
    this.slots.delete(workspaceId);
    if (this.mru === workspaceId) this.mru = null;
  }

  /**
   * Loads the workspace until its state is at least `revision` (single
   * flight: concurrent callers share one database read). A caller that
   * joined a read already in flight and finds it too old triggers one fresh
   * read (its revision may have committed after that read began), shared in
   * turn by everyone who joins it. Never more: when the database itself is
   * behind `revision`, the answer is the newest state and the caller refuses
   * the token (`revision_unknown`), so a token from the future costs at most
   * two shared reads, not a wait per request (issue 14).
   */
  private loadAtLeast(workspaceId: string, revision: number, retried = false): Promise<CachedAccess | null> {
    if (this.closed) return NOTHING;
    const slot = this.slotFor(workspaceId);
    if (slot.loading !== null) {
      return slot.loading.then((entry) =>
        entry === null || entry.revision >= revision || retried
          ? entry
          : this.loadAtLeast(workspaceId, revision, true),
      );
    }
    const load = this.load(workspaceId, slot).finally(() => {
      if (slot.loading === load) slot.loading = null;
    });
    slot.loading = load;
    return load;
  }

  /**
   * Reads the workspace's state. Announcements that arrive while reading
   * raise `known`; the read repeats (briefly) to catch up with those, since
   * the database has them.
   */
  private async load(workspaceId: string, slot: Slot): Promise<CachedAccess | null> {
    const deadline = Date.now() + this.tokenWaitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      this.counters.loads++;
      const state = await loadWorkspaceState(this.database.db, workspaceId);
      if (state === null) {
        if (this.slots.get(workspaceId) === slot) this.drop(workspaceId);
        return null;
      }
      const previous = slot.entry;
      let entry: CachedAccess;
      if (previous !== null && previous.revision >= state.revision) entry = previous;
      else entry = { state, index: compile(state), revision: state.revision };
      slot.entry = entry;
      if (entry.revision >= slot.known || Date.now() >= deadline || this.closed) {
        if (entry.revision > slot.known) slot.known = entry.revision;
        return entry;
      }
      await sleep(delay);
    }
  }
}

function revisionUnknown(current: number, asked: number) {
  return problem(
    'revision_unknown',
    `This workspace's access has not reached revision ${asked} (it is at ${current}); pass a revision an access write returned`,
    { revision: current },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Builds the cache of one app instance and subscribes it to revision
 * announcements (LISTEN works on both backends: across instances on
 * PostgreSQL, in-process on PGlite), so a failure to subscribe fails the start.
 */
export async function startAccessCache(
  database: Database,
  options: AccessCacheOptions,
): Promise<AccessCache> {
  const cache = new AccessCache(database, options);
  await cache.start();
  return cache;
}
