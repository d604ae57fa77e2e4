import {
  Anchor,
  Badge,
  Box,
  Code,
  EmptyState,
  Group,
  Paper,
  ScrollArea,
  SegmentedControl,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconMail } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { ApiError, api } from '../api/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { relativeTime } from '../components/format';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { NotFoundPage } from './NotFound';

/** Plain text with its links clickable (emails carry the invitation and reset links). */
function Linkified({ text }: { text: string }) {
  // Key each piece by its offset in the text: stable, and unique.
  let offset = 0;
  const pieces = text.split(/(https?:\/\/[^\s<>"]+)/g).map((p) => {
    const at = offset;
    offset += p.length;
    return { p, at };
  });
  return (
    <Text component="pre" fz="sm" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: 0 }}>
      {pieces.map(({ p, at }) =>
        /^https?:\/\//.test(p) ? (
          <Anchor key={at} href={p} data-mail-link>
            {p}
          </Anchor>
        ) : (
          <Fragment key={at}>{p}</Fragment>
        ),
      )}
    </Text>
  );
}

function MessageView({ id }: { id: string }) {
  const [view, setView] = useState<'text' | 'html'>('text');
  const msg = useQuery({
    queryKey: ['dev-mailbox', id],
    queryFn: () => api.GET('/v1/dev/mailbox/{id}', { params: { path: { id } } }),
  });
  if (msg.isPending) return <Skeleton h={200} />;
  if (msg.error) return <ErrorAlert error={msg.error} />;
  const m = msg.data;
  return (
    <Stack gap="sm">
      <div>
        <Title order={2} fz="lg">
          {m.subject}
        </Title>
        <Text fz="sm" c="dimmed">
          To {m.to} · {m.template} · {relativeTime(m.createdAt)}
        </Text>
      </div>
      <SegmentedControl
        aria-label="Show the message as"
        value={view}
        onChange={(v) => setView(v as 'text' | 'html')}
        data={[
          { value: 'text', label: 'Text' },
          { value: 'html', label: 'HTML' },
        ]}
        w={160}
        size="xs"
      />
      {view === 'text' ? (
        <Paper withBorder p="md" data-testid="mail-body">
          <Linkified text={m.text} />
        </Paper>
      ) : (
        // Rendered in a sandbox: no scripts, no access to the console.
        <iframe
          title="HTML version of the email"
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          srcDoc={m.html}
          style={{
            width: '100%',
            height: 420,
            border: '1px solid var(--mantine-color-gray-3)',
            borderRadius: 8,
            background: 'white',
          }}
        />
      )}
    </Stack>
  );
}

/**
 * The development mailbox (GET /v1/dev/mailbox): with no SMTP server
 * configured, every email Atrium sends lands here. The API answers 404 in
 * production, and so does this page.
 */
export function MailboxPage() {
  useDocumentTitle('Dev mailbox');
  const [to, setTo] = useState('');
  const [debounced] = useDebouncedValue(to.trim(), 250);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['dev-mailbox', 'list', debounced],
    queryFn: async () =>
      (await api.GET('/v1/dev/mailbox', { params: { query: { to: debounced } } })).messages,
    refetchInterval: 3_000,
  });
  if (list.error instanceof ApiError && list.error.status === 404) return <NotFoundPage what="page" />;
  const messages = list.data ?? [];
  const current = selected ?? messages[0]?.id ?? null;
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Group gap="xs">
            <Title order={1} fz={24}>
              Dev mailbox
            </Title>
            <Badge color="yellow" variant="light">
              Development only
            </Badge>
          </Group>
          <Text c="dimmed" fz="sm">
            No SMTP server is configured, so every email Atrium sends is kept here.
          </Text>
        </div>
        <TextInput
          placeholder="Filter by recipient"
          aria-label="Filter by recipient"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          w={280}
        />
      </Group>
      {list.error ? <ErrorAlert error={list.error} onRetry={() => list.refetch()} /> : null}
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Paper withBorder w={360} style={{ flexShrink: 0 }}>
          <ScrollArea.Autosize mah="70vh" scrollbars="y">
            {list.isPending ? (
              <Skeleton h={120} />
            ) : messages.length === 0 ? (
              <EmptyState
                py="xl"
                icon={<IconMail size={24} />}
                title="No mail yet"
                description="Invite someone to see it arrive."
              />
            ) : (
              <Stack gap={0} role="list" aria-label="Messages">
                {messages.map((m) => (
                  <UnstyledButton
                    key={m.id}
                    role="listitem"
                    onClick={() => setSelected(m.id)}
                    aria-current={m.id === current}
                    px="md"
                    py="sm"
                    w="100%"
                    data-mail-to={m.to}
                    style={{
                      borderBottom: '1px solid var(--mantine-color-gray-2)',
                      overflow: 'hidden',
                      display: 'block',
                      background: m.id === current ? 'var(--mantine-color-atrium-0)' : undefined,
                    }}
                  >
                    <Text fz="sm" fw={600} truncate>
                      {m.subject}
                    </Text>
                    <Group justify="space-between" gap="xs" wrap="nowrap">
                      <Text fz="xs" c="dimmed" truncate>
                        {m.to}
                      </Text>
                      <Text fz="xs" c="dimmed" style={{ flexShrink: 0 }}>
                        {relativeTime(m.createdAt)}
                      </Text>
                    </Group>
                  </UnstyledButton>
                ))}
              </Stack>
            )}
          </ScrollArea.Autosize>
        </Paper>
        <Box style={{ flex: 1, minWidth: 0 }}>
          {current ? (
            <MessageView id={current} />
          ) : (
            <Text c="dimmed" fz="sm">
              Select a message. <Code>GET /v1/dev/mailbox</Code> lists them too.
            </Text>
          )}
        </Box>
      </Group>
    </Stack>
  );
}
