import {
  isPermission,
  minLevel,
  NAMED_POLICIES,
  NAMED_POLICY_CAPS,
  type NamedPolicy,
  type Permission,
} from '@atrium/policy';
import type { Policies } from '../api/types';
import type { CapHint } from './PermissionMatrix';

/** The named policies switched on (`named`), in catalog order. */
export function enabledPolicies(p: Policies | undefined): NamedPolicy[] {
  const named = new Set(p?.named ?? []);
  return NAMED_POLICIES.filter((n) => named.has(n));
}

/**
 * The caps that bind non-admins workspace-wide (named policies and generic
 * caps without an agent), smallest per permission — for hints beside the
 * matrix. The decision itself stays on the server (docs/rules.md §3).
 */
export function capHints(
  p: Policies | undefined,
  agentId: string | null = null,
): Partial<Record<Permission, CapHint>> {
  const out: Partial<Record<Permission, CapHint>> = {};
  const add = (permission: Permission, maxLevel: CapHint['maxLevel'], source: string) => {
    const prev = out[permission];
    if (!prev || minLevel(prev.maxLevel, maxLevel) !== prev.maxLevel) out[permission] = { maxLevel, source };
  };
  for (const n of enabledPolicies(p))
    add(NAMED_POLICY_CAPS[n].permission, NAMED_POLICY_CAPS[n].maxLevel, `policy:${n}`);
  for (const c of p?.caps ?? []) {
    if (c.agentId && c.agentId !== agentId) continue;
    if (isPermission(c.permission)) add(c.permission, c.maxLevel, `cap:${c.id}`);
  }
  return out;
}
