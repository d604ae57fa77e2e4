import type { Level } from '@atrium/policy';
import { Badge, type BadgeProps } from '@mantine/core';
import type { AgentPlan, AgentRole, AgentStatus, WorkspaceRole } from '../api/types';

export function RoleBadge({
  role,
  size = 'sm',
}: {
  role: WorkspaceRole | AgentRole;
  size?: BadgeProps['size'];
}) {
  const label = { admin: 'Admin', member: 'Member', agent_admin: 'Agent admin', agent_user: 'Agent user' }[
    role
  ];
  const color = role === 'admin' || role === 'agent_admin' ? 'atrium' : 'gray';
  return (
    <Badge size={size} color={color} variant={role === 'admin' ? 'filled' : 'light'}>
      {label ?? role}
    </Badge>
  );
}

export const LEVEL_LABEL: Record<Level, string> = { none: 'None', read: 'Read', edit: 'Edit' };
export const LEVEL_COLOR: Record<Level | 'mixed', string> = {
  none: 'gray',
  read: 'blue',
  edit: 'teal',
  mixed: 'orange',
};

export function LevelBadge({ level, size = 'sm' }: { level: Level | 'mixed'; size?: BadgeProps['size'] }) {
  return (
    <Badge size={size} color={LEVEL_COLOR[level]} variant={level === 'none' ? 'outline' : 'light'}>
      {level === 'mixed' ? 'Mixed' : LEVEL_LABEL[level]}
    </Badge>
  );
}

export function PlanBadge({ plan }: { plan: AgentPlan }) {
  const color = plan === 'starter' ? 'gray' : plan === 'pro' ? 'grape' : 'indigo';
  return (
    <Badge color={color} variant="light">
      {plan === 'starter' ? 'Starter (free)' : plan === 'pro' ? 'Pro' : 'Enterprise'}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: AgentStatus }) {
  const map = {
    approved: ['green', 'Approved'],
    pending_approval: ['yellow', 'Pending approval'],
    rejected: ['red', 'Rejected'],
  } as const;
  const [color, label] = map[status] ?? ['gray', status];
  return (
    <Badge color={color} variant="dot">
      {label}
    </Badge>
  );
}
