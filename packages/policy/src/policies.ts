/**
 * Workspace policies (docs/rules.md §3): caps on what non-admins can get.
 *
 * @module
 */

import type { Level, Permission } from './catalog';

/** The named policies a workspace admin can switch on. */
export const NAMED_POLICIES = ['embedding_disabled', 'conversations_hidden', 'security_enforced'] as const;

/** One of {@link NAMED_POLICIES}. */
export type NamedPolicy = (typeof NAMED_POLICIES)[number];

/**
 * A cap: nobody but a workspace admin gets more than `maxLevel` on
 * `permission`. A cap with no `agentId` applies to every question (workspace
 * wide and every agent); a cap with an `agentId` applies only to questions
 * about that agent. When several caps apply, the smallest wins.
 */
export interface Cap {
  /** The capped permission. */
  permission: Permission;
  /** The highest level anyone (but a workspace admin) may get. */
  maxLevel: Level;
  /** Restrict the cap to one agent; `null`/absent = every question. */
  agentId?: string | null;
  /** Where the cap comes from, for explanations: `'policy:<name>'` or `'cap:<id>'`. */
  source: string;
}

/**
 * The caps each named policy stands for (docs/rules.md §3).
 *
 * @example
 * ```ts
 * NAMED_POLICY_CAPS.embedding_disabled; // { permission: 'channels.chat', maxLevel: 'read' }
 * ```
 */
export const NAMED_POLICY_CAPS: Readonly<
  Record<NamedPolicy, { readonly permission: Permission; readonly maxLevel: Level }>
> = Object.freeze({
  embedding_disabled: Object.freeze({ permission: 'channels.chat', maxLevel: 'read' }),
  conversations_hidden: Object.freeze({ permission: 'analytics.conversations', maxLevel: 'none' }),
  security_enforced: Object.freeze({ permission: 'configure.security', maxLevel: 'read' }),
});

/**
 * Type guard for {@link NamedPolicy}.
 *
 * @example
 * ```ts
 * isNamedPolicy('embedding_disabled'); // true
 * ```
 */
export function isNamedPolicy(x: unknown): x is NamedPolicy {
  return typeof x === 'string' && Object.hasOwn(NAMED_POLICY_CAPS, x);
}

/**
 * All caps of a workspace: one per enabled named policy (source
 * `'policy:<name>'`, every agent), followed by the generic caps as given.
 * Duplicated named policies produce one cap.
 *
 * @example
 * ```ts
 * capsFromPolicies(['embedding_disabled'], [{ permission: 'build.tools', maxLevel: 'read', agentId: 'a1', source: 'cap:7' }]);
 * // [{ permission: 'channels.chat', maxLevel: 'read', agentId: null, source: 'policy:embedding_disabled' }, { … 'cap:7' }]
 * ```
 */
export function capsFromPolicies(named: readonly NamedPolicy[], generic: readonly Cap[]): Cap[] {
  const out: Cap[] = [];
  for (const name of NAMED_POLICIES) {
    if (!named.includes(name)) continue;
    const c = NAMED_POLICY_CAPS[name];
    out.push({ permission: c.permission, maxLevel: c.maxLevel, agentId: null, source: `policy:${name}` });
  }
  for (const c of generic) out.push({ ...c });
  return out;
}
