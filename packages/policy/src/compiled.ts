/**
 * A compiled per-workspace index that answers a check without allocating.
 *
 * Layout: every principal (member or API key) gets a slot; every agent a
 * column (column 0 = the workspace-wide question). For each (slot, column)
 * the FINAL level of every permission (grants maxed, caps applied, access
 * and scope rules folded in) is packed at 2 bits per permission into
 * `WORDS` 32-bit words. A check is two hash lookups (principal, agent), one
 * permission-index lookup and one typed-array read.
 *
 * Memory: `slots × (agents + 1) × WORDS × 4` bytes plus two id maps
 * (≈ 8 bytes per cell for the 28-permission catalog).
 *
 * Updates: {@link CompiledWorkspace.updateMember} / {@link CompiledWorkspace.updateApiKey}
 * recompute one principal's cells (microseconds). Anything that can affect
 * other principals (agents added or removed, caps or custom presets changed)
 * is detected and triggers a full rebuild, so an update is always correct and
 * fast in the common case. The index is mutated in place; it holds no
 * module-level state.
 *
 * @module
 */

import {
  LEVELS,
  type Level,
  type LevelRank,
  levelRank,
  PERMISSION_COUNT,
  type Permission,
  permissionIndex,
} from './catalog';
import type { Matrix } from './matrix';
import type { Cap } from './policies';
import { type Grant, isUserSubject, resolveGrant, type Subject, type WorkspaceState } from './state';

/** 32-bit words per cell: 16 permissions of 2 bits each per word. */
const WORDS = Math.ceil(PERMISSION_COUNT / 16);

/** A change to reflect incrementally (see {@link CompiledWorkspace.apply}). */
export type IndexChange =
  | { kind: 'member'; userId: string }
  | { kind: 'apiKey'; apiKeyId: string }
  | { kind: 'all' };

/** Sizes of a compiled index, for monitoring and the benchmark. */
export interface CompiledStats {
  /** Principals (members + API keys) indexed. */
  principals: number;
  /** Agents (columns besides the workspace-wide one). */
  agents: number;
  /** Bytes of the packed level table (capacity included). */
  tableBytes: number;
  /** Full rebuilds so far (including the initial compile). */
  rebuilds: number;
}

/**
 * A compiled, per-workspace index equal to {@link decide} on every query.
 * Obtain one with {@link compile}.
 */
export interface CompiledWorkspace {
  /** The workspace indexed. */
  readonly workspaceId: string;
  /** The revision of the state last reflected. */
  readonly revision: number;
  /**
   * The level of a subject on a permission, optionally about an agent
   * (equal to `decide(state, { subject, agentId, permission })`).
   */
  level(subject: Subject, agentId: string | null | undefined, permission: Permission): Level;
  /** Whether the subject has at least `need`. */
  allows(subject: Subject, agentId: string | null | undefined, permission: Permission, need: Level): boolean;
  /** The slot of a subject, or -1 if not a member / unknown key. Valid until the next update. */
  principalSlot(subject: Subject): number;
  /** The column of an agent: 0 for `null`/`undefined` (workspace-wide), -1 for an unknown agent. */
  agentColumn(agentId: string | null | undefined): number;
  /**
   * The no-lookup fast path: rank of (slot, column, permission index) with
   * indices from {@link principalSlot}, {@link agentColumn} and
   * `permissionIndex`. Negative slot or column → 0.
   */
  levelByIndex(slot: number, column: number, permIndex: number): LevelRank;
  /** Reflect a change of one user's workspace membership or agent memberships (added, changed or removed). */
  updateMember(state: WorkspaceState, userId: string): void;
  /** Reflect a change of one API key (added, changed, revoked). */
  updateApiKey(state: WorkspaceState, apiKeyId: string): void;
  /** Reflect several changes; `{ kind: 'all' }` rebuilds. */
  apply(state: WorkspaceState, changes: readonly IndexChange[]): void;
  /** Rebuild from scratch (e.g. after caps or custom presets changed). */
  refresh(state: WorkspaceState): void;
  /** Sizes, for monitoring. */
  stats(): CompiledStats;
}

function grantVector(state: WorkspaceState, grant: Grant | null | undefined, out: Uint8Array): Uint8Array {
  const m: Readonly<Matrix> = resolveGrant(state, grant);
  out.fill(0);
  for (const key in m) {
    const i = permissionIndex(key as Permission);
    if (i >= 0) out[i] = levelRank(m[key as Permission] as Level);
  }
  return out;
}

function sameCaps(a: readonly Cap[], b: readonly Cap[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.permission !== y.permission ||
      x.maxLevel !== y.maxLevel ||
      (x.agentId ?? null) !== (y.agentId ?? null)
    ) {
      return false;
    }
  }
  return true;
}

function samePresets(a: ReadonlyMap<string, Matrix>, b: ReadonlyMap<string, Matrix>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [id, m] of a) if (b.get(id) !== m) return false;
  return true;
}

class CompiledIndex implements CompiledWorkspace {
  readonly workspaceId: string;
  revision = 0;
  private users = new Map<string, number>();
  private keys = new Map<string, number>();
  private agents = new Map<string, number>();
  private agentIds: string[] = [];
  private cols = 1;
  private capacity = 0;
  private next = 0;
  private free: number[] = [];
  private cells = new Uint32Array(0);
  /** Cap rank per (column, permission); 2 = uncapped. */
  private capRanks = new Uint8Array(0);
  private caps: readonly Cap[] = [];
  private presets: ReadonlyMap<string, Matrix> = new Map();
  private rebuilds = 0;
  // Scratch vectors reused by updates (instance-level, never in the check path).
  private readonly wsVec = new Uint8Array(PERMISSION_COUNT);
  private readonly agVec = new Uint8Array(PERMISSION_COUNT);
  private readonly rowVec = new Uint8Array(PERMISSION_COUNT);

  constructor(state: WorkspaceState) {
    this.workspaceId = state.workspaceId;
    this.refresh(state);
  }

  level(subject: Subject, agentId: string | null | undefined, permission: Permission): Level {
    return LEVELS[this.rank(subject, agentId, permission)];
  }

  allows(subject: Subject, agentId: string | null | undefined, permission: Permission, need: Level): boolean {
    return this.rank(subject, agentId, permission) >= levelRank(need);
  }

  private rank(subject: Subject, agentId: string | null | undefined, permission: Permission): LevelRank {
    const uid = (subject as { userId?: string }).userId;
    const slot =
      uid !== undefined ? this.users.get(uid) : this.keys.get((subject as { apiKeyId: string }).apiKeyId);
    if (slot === undefined) return 0;
    let col = 0;
    if (agentId != null) {
      const c = this.agents.get(agentId);
      if (c === undefined) return 0;
      col = c;
    }
    const pi = permissionIndex(permission);
    if (pi < 0) return 0;
    return ((this.cells[(slot * this.cols + col) * WORDS + (pi >>> 4)]! >>> ((pi & 15) << 1)) &
      3) as LevelRank;
  }

  principalSlot(subject: Subject): number {
    const slot = isUserSubject(subject) ? this.users.get(subject.userId) : this.keys.get(subject.apiKeyId);
    return slot ?? -1;
  }

  agentColumn(agentId: string | null | undefined): number {
    if (agentId == null) return 0;
    return this.agents.get(agentId) ?? -1;
  }

  levelByIndex(slot: number, column: number, permIndex: number): LevelRank {
    if (slot < 0 || column < 0 || permIndex < 0) return 0;
    return ((this.cells[(slot * this.cols + column) * WORDS + (permIndex >>> 4)]! >>>
      ((permIndex & 15) << 1)) &
      3) as LevelRank;
  }

  refresh(state: WorkspaceState): void {
    this.rebuilds++;
    this.users = new Map();
    this.keys = new Map();
    this.agents = new Map();
    this.agentIds = [...state.agents.keys()];
    this.agentIds.forEach((id, i) => {
      this.agents.set(id, i + 1);
    });
    this.cols = this.agentIds.length + 1;
    this.caps = state.caps;
    this.presets = state.presets;
    this.capRanks = new Uint8Array(this.cols * PERMISSION_COUNT).fill(2);
    for (const c of state.caps) {
      const pi = permissionIndex(c.permission);
      if (pi < 0) continue;
      const r = levelRank(c.maxLevel);
      for (let col = 0; col < this.cols; col++) {
        if (c.agentId != null && this.agentIds[col - 1] !== c.agentId) continue;
        const at = col * PERMISSION_COUNT + pi;
        if (r < this.capRanks[at]!) this.capRanks[at] = r;
      }
    }
    this.capacity = Math.max(8, state.members.size + state.apiKeys.size);
    this.cells = new Uint32Array(this.capacity * this.cols * WORDS);
    this.next = 0;
    this.free = [];
    for (const m of state.members.values()) this.writeUser(state, m.userId);
    for (const k of state.apiKeys.values()) this.writeKey(state, k.apiKeyId);
    this.revision = state.revision;
  }

  updateMember(state: WorkspaceState, userId: string): void {
    if (this.needsRebuild(state)) this.refresh(state);
    else {
      this.writeUser(state, userId);
      this.revision = state.revision;
    }
  }

  updateApiKey(state: WorkspaceState, apiKeyId: string): void {
    if (this.needsRebuild(state)) this.refresh(state);
    else {
      this.writeKey(state, apiKeyId);
      this.revision = state.revision;
    }
  }

  apply(state: WorkspaceState, changes: readonly IndexChange[]): void {
    if (changes.some((c) => c.kind === 'all') || this.needsRebuild(state)) {
      this.refresh(state);
      return;
    }
    for (const c of changes) {
      if (c.kind === 'member') this.writeUser(state, c.userId);
      else if (c.kind === 'apiKey') this.writeKey(state, c.apiKeyId);
    }
    this.revision = state.revision;
  }

  stats(): CompiledStats {
    return {
      principals: this.users.size + this.keys.size,
      agents: this.cols - 1,
      tableBytes: this.cells.byteLength,
      rebuilds: this.rebuilds,
    };
  }

  /** Whether something that affects every principal changed since the last rebuild. */
  private needsRebuild(state: WorkspaceState): boolean {
    if (!sameCaps(this.caps, state.caps) || !samePresets(this.presets, state.presets)) return true;
    if (state.agents.size !== this.agentIds.length) return true;
    let i = 0;
    for (const id of state.agents.keys()) if (this.agentIds[i++] !== id) return true;
    return false;
  }

  private allocSlot(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.next === this.capacity) {
      const bigger = new Uint32Array(this.capacity * 2 * this.cols * WORDS);
      bigger.set(this.cells);
      this.cells = bigger;
      this.capacity *= 2;
    }
    return this.next++;
  }

  private slotFor(map: Map<string, number>, id: string, present: boolean): number {
    let slot = map.get(id);
    if (!present) {
      if (slot !== undefined) {
        this.clearSlot(slot);
        map.delete(id);
        this.free.push(slot);
      }
      return -1;
    }
    if (slot === undefined) {
      slot = this.allocSlot();
      map.set(id, slot);
    }
    return slot;
  }

  private clearSlot(slot: number): void {
    const base = slot * this.cols * WORDS;
    this.cells.fill(0, base, base + this.cols * WORDS);
  }

  /** Pack rowVec (ranks) capped by column `col` into cell (slot, col). */
  private writeCell(slot: number, col: number, capped: boolean): void {
    const base = (slot * this.cols + col) * WORDS;
    const capBase = col * PERMISSION_COUNT;
    for (let w = 0; w < WORDS; w++) {
      let word = 0;
      for (let b = 0; b < 16; b++) {
        const pi = w * 16 + b;
        if (pi >= PERMISSION_COUNT) break;
        let r = this.rowVec[pi]!;
        if (capped) {
          const c = this.capRanks[capBase + pi]!;
          if (c < r) r = c;
        }
        word |= r << (b * 2);
      }
      this.cells[base + w] = word >>> 0;
    }
  }

  private writeUser(state: WorkspaceState, userId: string): void {
    const member = state.members.get(userId);
    const slot = this.slotFor(this.users, userId, member !== undefined);
    if (member === undefined) return;
    const row = this.rowVec;
    if (member.role === 'admin') {
      row.fill(2);
      for (let col = 0; col < this.cols; col++) this.writeCell(slot, col, false);
      return;
    }
    const ws = grantVector(state, member.grant, this.wsVec);
    row.set(ws);
    this.writeCell(slot, 0, true);
    for (let col = 1; col < this.cols; col++) {
      const am = state.agents.get(this.agentIds[col - 1]!)?.members.get(userId);
      if (am === undefined && member.agentAccess !== 'all') row.fill(0);
      else if (am?.role === 'agent_admin') row.fill(2);
      else {
        row.set(ws);
        if (am !== undefined) {
          const ag = grantVector(state, am.grant, this.agVec);
          for (let i = 0; i < PERMISSION_COUNT; i++) if (ag[i]! > row[i]!) row[i] = ag[i]!;
        }
      }
      this.writeCell(slot, col, true);
    }
  }

  private writeKey(state: WorkspaceState, apiKeyId: string): void {
    const key = state.apiKeys.get(apiKeyId);
    const slot = this.slotFor(this.keys, apiKeyId, key !== undefined);
    if (key === undefined) return;
    const g = grantVector(state, key.grant, this.wsVec);
    const row = this.rowVec;
    for (let col = 0; col < this.cols; col++) {
      const inScope = key.agentId === null || (col > 0 && this.agentIds[col - 1] === key.agentId);
      if (inScope) row.set(g);
      else row.fill(0);
      this.writeCell(slot, col, true);
    }
  }
}

/**
 * Compile a workspace state into an index that answers checks without
 * allocating. Agrees with {@link decide} on every query (property-tested,
 * including after incremental updates).
 *
 * @example
 * ```ts
 * const index = compile(state);
 * index.level({ userId: 'alice' }, 'agent-x', 'build.knowledge'); // 'edit'
 * // after changing Alice's membership in `next` (a new WorkspaceState):
 * index.updateMember(next, 'alice');
 * ```
 */
export function compile(state: WorkspaceState): CompiledWorkspace {
  return new CompiledIndex(state);
}
