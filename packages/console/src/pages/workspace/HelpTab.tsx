import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconHelpCircle, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, errorMessage, fieldError } from '../../api/client';
import { invalidateWorkspace, useAgents } from '../../api/hooks';
import type { TicketSummary } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { dateTime, relativeTime } from '../../components/format';
import { QueryPanel } from '../../components/QueryPanel';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useWorkspaceContext } from './WorkspaceLayout';

type TicketStatus = TicketSummary['status'];

const STATUS_COLOR: Record<TicketStatus, string> = { open: 'blue', pending: 'yellow', closed: 'gray' };

function NewTicketDialog({
  opened,
  onClose,
  workspaceId,
}: {
  opened: boolean;
  onClose: () => void;
  workspaceId: string;
}) {
  const agents = useAgents(workspaceId);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [agentId, setAgentId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.POST('/v1/workspaces/{workspaceId}/tickets', {
        params: { path: { workspaceId } },
        body: { subject: subject.trim(), body: body.trim(), ...(agentId ? { agentId } : {}) },
      });
      notifications.show({ color: 'green', title: 'Ticket filed', message: subject.trim() });
      await invalidateWorkspace(workspaceId);
      setSubject('');
      setBody('');
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="New ticket" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Subject"
            required
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={fieldError(error, 'subject')}
            data-autofocus
          />
          <Select
            label="About"
            value={agentId}
            onChange={(v) => setAgentId(v ?? '')}
            allowDeselect={false}
            data={[
              { value: '', label: 'The workspace in general' },
              ...(agents.data ?? []).map((a) => ({ value: a.id, label: a.name })),
            ]}
          />
          <Textarea
            label="What happened?"
            required
            autosize
            minRows={4}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            error={fieldError(error, 'body')}
          />
          <ErrorAlert error={error} title="Could not file the ticket" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!subject.trim() || !body.trim()}>
              File ticket
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function TicketDialog({
  workspaceId,
  id,
  onClose,
}: {
  workspaceId: string;
  id: string;
  onClose: () => void;
}) {
  const ticket = useQuery({
    queryKey: ['ws', workspaceId, 'ticket', id],
    queryFn: () =>
      api.GET('/v1/workspaces/{workspaceId}/tickets/{id}', { params: { path: { workspaceId, id } } }),
  });
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  async function run(fn: () => Promise<unknown>) {
    setBusy(true);
    try {
      await fn();
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }
  const t = ticket.data;
  return (
    <Modal opened onClose={onClose} title={t?.subject ?? 'Ticket'} size="lg">
      {ticket.isPending ? (
        <Skeleton h={160} />
      ) : ticket.error || !t ? (
        <ErrorAlert error={ticket.error} />
      ) : (
        <Stack gap="sm">
          <Group justify="space-between">
            <Text fz="sm" c="dimmed">
              Filed by {t.createdBy.name} · {dateTime(t.createdAt)}
            </Text>
            <Select
              aria-label="Status"
              size="xs"
              w={130}
              value={t.status}
              allowDeselect={false}
              disabled={busy}
              data={[
                { value: 'open', label: 'Open' },
                { value: 'pending', label: 'Pending' },
                { value: 'closed', label: 'Closed' },
              ]}
              onChange={(v) =>
                v &&
                run(() =>
                  api.PATCH('/v1/workspaces/{workspaceId}/tickets/{id}', {
                    params: { path: { workspaceId, id } },
                    body: { status: v },
                  }),
                )
              }
            />
          </Group>
          <Paper withBorder p="sm" bg="gray.0">
            <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {t.body}
            </Text>
          </Paper>
          {t.comments.map((c) => (
            <Paper key={c.id} withBorder p="sm">
              <Text fz="xs" c="dimmed" mb={4}>
                {c.author.name} · {relativeTime(c.createdAt)}
              </Text>
              <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {c.body}
              </Text>
            </Paper>
          ))}
          <Textarea
            label="Add a comment"
            autosize
            minRows={2}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button
              disabled={!comment.trim()}
              loading={busy}
              onClick={() =>
                run(() =>
                  api.POST('/v1/workspaces/{workspaceId}/tickets/{id}/comments', {
                    params: { path: { workspaceId, id } },
                    body: { body: comment.trim() },
                  }),
                ).then(() => setComment(''))
              }
            >
              Comment
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** The help center (docs/rules.md §4): file tickets; admins see every ticket of the workspace, others their own. */
export function HelpTab() {
  const { workspace } = useWorkspaceContext();
  useDocumentTitle('Help', workspace.name);
  const agents = useAgents(workspace.id);
  const [status, setStatus] = useState<TicketStatus | null>(null);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const tickets = useQuery({
    queryKey: ['ws', workspace.id, 'tickets', status],
    queryFn: () =>
      api.GET('/v1/workspaces/{workspaceId}/tickets', {
        params: { path: { workspaceId: workspace.id }, query: { status: status ?? undefined } },
      }),
  });
  const list = tickets.data?.tickets ?? [];
  const agentName = (id: string | null) =>
    id ? (agents.data?.find((a) => a.id === id)?.name ?? 'An agent') : 'Workspace';
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={2} fz="lg">
            Tickets
          </Title>
          <Text fz="sm" c="dimmed">
            {tickets.data?.scope === 'all'
              ? 'Every ticket of the workspace (you are an admin).'
              : 'Your tickets.'}
          </Text>
        </div>
        <Group>
          <Select
            aria-label="Filter by status"
            placeholder="Any status"
            clearable
            value={status}
            onChange={setStatus}
            data={[
              { value: 'open', label: 'Open' },
              { value: 'pending', label: 'Pending' },
              { value: 'closed', label: 'Closed' },
            ]}
            w={150}
          />
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New ticket
          </Button>
        </Group>
      </Group>
      <Paper withBorder>
        <QueryPanel
          query={tickets}
          padded
          skeleton={{ h: 32 }}
          isEmpty={list.length === 0}
          empty={{
            icon: <IconHelpCircle size={26} />,
            title: 'No tickets',
            description: 'Stuck? File a ticket and we will get back to you.',
          }}
        >
          <Table highlightOnHover verticalSpacing="sm" aria-label="Tickets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>About</Table.Th>
                <Table.Th>Filed by</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((t) => (
                <Table.Tr key={t.id} className="atrium-table-row-clickable" onClick={() => setOpen(t.id)}>
                  <Table.Td>
                    <Text
                      component="a"
                      href={`#ticket-${t.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        setOpen(t.id);
                      }}
                      fz="sm"
                      fw={600}
                      c="dark.8"
                      style={{ textDecoration: 'none' }}
                    >
                      {t.subject}
                    </Text>
                    {t.commentCount > 0 && (
                      <Text fz="xs" c="dimmed">
                        {t.commentCount} comment{t.commentCount === 1 ? '' : 's'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[t.status]} variant="light">
                      {t.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{agentName(t.agentId)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{t.createdBy.name}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{relativeTime(t.updatedAt)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </QueryPanel>
      </Paper>
      <NewTicketDialog opened={creating} onClose={() => setCreating(false)} workspaceId={workspace.id} />
      {open && <TicketDialog workspaceId={workspace.id} id={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}
