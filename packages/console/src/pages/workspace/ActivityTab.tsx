import {
  Alert,
  Badge,
  Button,
  Code,
  Collapse,
  Group,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  IconActivity,
  IconChevronRight,
  IconDownload,
  IconShieldCheck,
  IconShieldX,
} from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { apiUrl } from '../../api/client';
import { type ActivityFilter, useActivity, useActivityVerify, useAgents } from '../../api/hooks';
import type { ActivityEntry } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { dateTime, relativeTime } from '../../components/format';
import { QueryPanel } from '../../components/QueryPanel';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { NotFoundPage } from '../NotFound';
import { useWorkspaceContext } from './WorkspaceLayout';

/** A short rendering of one value of an activity entry ("a, b", "none"), or null when it is structured. */
function brief(x: unknown): string | null {
  if (x === null || x === undefined) return 'none';
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (Array.isArray(x) && x.every((v) => typeof v === 'string' || typeof v === 'number'))
    return x.length ? x.join(', ') : 'none';
  return null;
}

/** The per-item permission difference lines of an entry (`build.knowledge: read → edit`), if it has them. */
function diffLines(x: unknown): string[] | null {
  if (Array.isArray(x) && x.length > 0 && x.every((l) => typeof l === 'string' && l.includes('→')))
    return x as string[];
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    for (const k of ['changes', 'permissions', 'diff']) {
      const found = diffLines(o[k]);
      if (found) return found;
    }
  }
  return null;
}

/** One-line summary of what changed: the per-item diff lines, or the changed fields "k: before → after". */
function changeSummary(e: ActivityEntry): string {
  const diff = diffLines(e.after) ?? diffLines(e.before);
  if (diff) return diff.join(', ');
  const a = (e.after && typeof e.after === 'object' ? e.after : {}) as Record<string, unknown>;
  const b = (e.before && typeof e.before === 'object' ? e.before : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const parts: string[] = [];
  for (const k of keys) {
    if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
    const av = brief(a[k]);
    const bv = k in b ? brief(b[k]) : null;
    if (av === null) continue;
    if (!(k in b) && av === 'none') continue;
    parts.push(bv === null ? `${k}: ${av}` : `${k}: ${bv} → ${av}`);
    if (parts.length === 4) break;
  }
  return parts.join(' · ');
}

function ActionBadge({ action }: { action: string }) {
  const [domain] = action.split('.');
  const color =
    domain === 'permissions' || domain === 'preset' || domain === 'policies' || domain === 'policy'
      ? 'atrium'
      : domain === 'member' || domain === 'invitation'
        ? 'teal'
        : domain === 'agent'
          ? 'grape'
          : domain === 'auth'
            ? 'gray'
            : 'blue';
  return (
    <Badge variant="light" color={color} tt="none" className="atrium-mono" fw={500}>
      {action}
    </Badge>
  );
}

function ChainStatus({ workspaceId }: { workspaceId: string }) {
  const verify = useActivityVerify(workspaceId);
  if (verify.isPending) return <Skeleton h={28} w={260} />;
  if (verify.error) return <ErrorAlert error={verify.error} title="Could not verify the chain" />;
  const v = verify.data;
  const bad = v.firstBad;
  return v.intact ? (
    <Tooltip label="Each entry's hash covers the one before it; none was changed or removed.">
      <Badge
        size="lg"
        color="green"
        variant="light"
        leftSection={<IconShieldCheck size={16} aria-hidden="true" />}
        tt="none"
        data-testid="chain-status"
      >
        Chain intact · {v.checked} entries verified
      </Badge>
    </Tooltip>
  ) : (
    <Alert
      color="red"
      icon={<IconShieldX size={18} />}
      title="The activity log was tampered with"
      data-testid="chain-status"
    >
      {bad
        ? `First bad entry: #${bad.seq} (${bad.reason.replace(/_/g, ' ')}).`
        : 'The chain does not verify.'}
    </Alert>
  );
}

/**
 * The activity log (docs/rules.md §5): every change with who, what, on what, before and
 * after, when and from where; filter by action, actor type, agent and time;
 * export the filtered set; and the tamper-evidence status of the hash chain.
 */
export function ActivityTab() {
  const { workspace, can } = useWorkspaceContext();
  useDocumentTitle('Activity', workspace.name);
  const allowed = can('activity.read');
  const agents = useAgents(workspace.id);
  const [action, setAction] = useState('');
  const [actorType, setActorType] = useState<ActivityFilter['actorType'] | null>(null);
  const [agentId, setAgentId] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [open, setOpen] = useState<string | null>(null);
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const actionValid =
    debouncedAction === '' || /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$/.test(debouncedAction);
  const filter: ActivityFilter = {
    action: actionValid ? debouncedAction : undefined,
    actorType: actorType ?? undefined,
    agentId: agentId ?? undefined,
    from: from ? new Date(from).toISOString() : undefined,
    to: to ? new Date(to).toISOString() : undefined,
  };
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useActivity(workspace.id, filter, cursor, allowed);
  if (!allowed) return <NotFoundPage what="page" />;
  const entries = page.data?.items ?? [];
  const resetPaging = () => setCursors([null]);
  const exportHref = (format: 'csv' | 'jsonl') =>
    apiUrl('/v1/workspaces/{workspaceId}/activity/export', {
      path: { workspaceId: workspace.id },
      query: { ...filter, format },
    });

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <ChainStatus workspaceId={workspace.id} />
        <Group gap="xs">
          <Button
            component="a"
            href={exportHref('csv')}
            download
            variant="default"
            leftSection={<IconDownload size={16} />}
          >
            Export CSV
          </Button>
          <Button
            component="a"
            href={exportHref('jsonl')}
            download
            variant="default"
            leftSection={<IconDownload size={16} />}
          >
            Export JSON lines
          </Button>
        </Group>
      </Group>
      <Paper withBorder p="sm">
        <Group gap="sm" align="flex-end">
          <TextInput
            label="Action"
            placeholder="member.* or permissions.updated"
            value={action}
            onChange={(e) => {
              setAction(e.currentTarget.value);
              resetPaging();
            }}
            error={actionValid ? undefined : 'Use an action name, or a prefix ending in .*'}
            w={260}
          />
          <Select
            label="Actor"
            placeholder="Anyone"
            clearable
            value={actorType}
            onChange={(v) => {
              setActorType(v);
              resetPaging();
            }}
            data={[
              { value: 'user', label: 'People' },
              { value: 'api_key', label: 'API keys' },
              { value: 'system', label: 'System' },
            ]}
            w={140}
          />
          <Select
            label="Agent"
            placeholder="Any agent"
            clearable
            value={agentId}
            onChange={(v) => {
              setAgentId(v);
              resetPaging();
            }}
            data={(agents.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
            w={200}
          />
          <TextInput
            label="From"
            type="datetime-local"
            value={from}
            onChange={(e) => {
              setFrom(e.currentTarget.value);
              resetPaging();
            }}
          />
          <TextInput
            label="To"
            type="datetime-local"
            value={to}
            onChange={(e) => {
              setTo(e.currentTarget.value);
              resetPaging();
            }}
          />
        </Group>
      </Paper>
      <Paper withBorder>
        <QueryPanel
          query={page}
          padded
          skeleton={{ h: 28, rows: 4 }}
          isEmpty={entries.length === 0}
          empty={{
            icon: <IconActivity size={26} />,
            title: 'No activity matches',
            description: 'Every change to this workspace is recorded here.',
          }}
        >
          <Table verticalSpacing="xs" aria-label="Activity" data-testid="activity-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={28} />
                <Table.Th w={150}>When</Table.Th>
                <Table.Th w={180}>Who</Table.Th>
                <Table.Th w={230}>Action</Table.Th>
                <Table.Th>Change</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => {
                const isOpen = open === e.id;
                return (
                  <Fragment key={e.id}>
                    <Table.Tr data-action={e.action}>
                      <Table.Td>
                        <UnstyledButton
                          onClick={() => setOpen(isOpen ? null : e.id)}
                          aria-expanded={isOpen}
                          aria-label={`${isOpen ? 'Hide' : 'Show'} details of ${e.action}`}
                        >
                          <IconChevronRight
                            size={14}
                            style={{
                              transform: isOpen ? 'rotate(90deg)' : undefined,
                              transition: 'transform 150ms',
                            }}
                          />
                        </UnstyledButton>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={dateTime(e.createdAt)}>
                          <Text fz="sm">{relativeTime(e.createdAt)}</Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Text fz="sm" truncate maw={170}>
                          {e.actor.name ?? e.actor.type}
                        </Text>
                        {e.actor.type === 'api_key' && (
                          <Text fz="xs" c="dimmed">
                            API key
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <ActionBadge action={e.action} />
                      </Table.Td>
                      <Table.Td>
                        <Text fz="sm" lineClamp={2}>
                          {changeSummary(e) || (
                            <Text span c="dimmed" fz="sm">
                              {e.target?.type ?? ''}
                            </Text>
                          )}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                    <Table.Tr style={{ display: isOpen ? undefined : 'none' }}>
                      <Table.Td colSpan={5} bg="gray.0">
                        <Collapse expanded={isOpen}>
                          <Group align="flex-start" gap="xl" p="xs">
                            <Stack gap={2} fz="xs">
                              <Text fz="xs">
                                <b>#{e.seq}</b> · {dateTime(e.createdAt)}
                              </Text>
                              <Text fz="xs">
                                Target: {e.target?.type ?? '—'} {e.target?.id ?? ''}
                              </Text>
                              <Text fz="xs">IP: {e.ip ?? '—'}</Text>
                              <Text fz="xs" maw={360} truncate>
                                User agent: {e.userAgent ?? '—'}
                              </Text>
                              <Text fz="xs">Request: {e.requestId ?? '—'}</Text>
                            </Stack>
                            <Stack gap={2}>
                              <Text fz="xs" fw={600}>
                                Before
                              </Text>
                              <Code block maw={320} mah={160} style={{ overflow: 'auto' }}>
                                {JSON.stringify(e.before ?? null, null, 2)}
                              </Code>
                            </Stack>
                            <Stack gap={2}>
                              <Text fz="xs" fw={600}>
                                After
                              </Text>
                              <Code block maw={320} mah={160} style={{ overflow: 'auto' }}>
                                {JSON.stringify(e.after ?? null, null, 2)}
                              </Code>
                            </Stack>
                          </Group>
                        </Collapse>
                      </Table.Td>
                    </Table.Tr>
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
        </QueryPanel>
      </Paper>
      <Group justify="flex-end" gap="xs">
        <Button
          variant="default"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Newer
        </Button>
        <Button
          variant="default"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data!.nextCursor])}
        >
          Older
        </Button>
      </Group>
    </Stack>
  );
}
