import { type Matrix, toMatrixInput } from '@atrium/policy';
import { Alert, Button, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { api, fieldError } from '../../../api/client';
import { invalidateWorkspace, useAgents, usePresets } from '../../../api/hooks';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PermissionMatrix } from '../../../components/PermissionMatrix';
import { presetOptions } from '../presetOptions';

/** The secret, shown exactly once, with a copy button (docs/rules.md §4: "shown once, stored hashed"). */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="yellow" variant="light" title="Copy the key now">
        This is the only time Atrium shows it. It is stored hashed; if you lose it, revoke it and create a new
        one.
      </Alert>
      <Group gap="xs" wrap="nowrap">
        <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="api-key-secret">
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button
              onClick={copy}
              color={copied ? 'teal' : undefined}
              leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text fz="xs" c="dimmed">
        Use it from your platform&apos;s backend as <Code>Authorization: Bearer …</Code> to call{' '}
        <Code>POST /v1/check</Code>.
      </Text>
      <Group justify="flex-end">
        <Button onClick={onDone}>I have copied it</Button>
      </Group>
    </Stack>
  );
}

export function CreateKeyDialog({
  opened,
  onClose,
  workspaceId,
}: {
  opened: boolean;
  onClose: () => void;
  workspaceId: string;
}) {
  const presets = usePresets(workspaceId);
  const agents = useAgents(workspaceId);
  const [name, setName] = useState('');
  const [grant, setGrant] = useState<string>('preset:read_only_reviewer');
  const [matrix, setMatrix] = useState<Matrix>({});
  const [agentId, setAgentId] = useState<string | null>(null);
  const [expires, setExpires] = useState<string>('90');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setSecret(null);
    setName('');
    setError(null);
    onClose();
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const expiresAt =
        expires === 'never' ? undefined : new Date(Date.now() + Number(expires) * 86_400_000).toISOString();
      const res = await api.POST('/v1/workspaces/{workspaceId}/api-keys', {
        params: { path: { workspaceId } },
        body: {
          name: name.trim(),
          ...(grant === 'custom'
            ? { matrix: toMatrixInput(matrix) }
            : { presetId: grant.replace(/^preset:/, '') }),
          ...(agentId ? { agentId } : {}),
          ...(expiresAt ? { expiresAt } : {}),
        },
      });
      setSecret(res.secret);
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      opened={opened}
      onClose={close}
      // The secret is shown once: a stray click outside must not throw it away.
      closeOnClickOutside={secret === null}
      title={secret ? 'Your new API key' : 'Create an API key'}
      size={secret ? 'lg' : 'xl'}
    >
      {secret !== null ? (
        <SecretOnce secret={secret} onDone={close} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Name"
              description="What uses it, e.g. “Agent platform backend (production)”"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(error, 'name')}
              data-autofocus
            />
            <Group grow>
              <Select
                label="Agents"
                value={agentId ?? ''}
                onChange={(v) => setAgentId(v ? v : null)}
                allowDeselect={false}
                data={[
                  { value: '', label: 'Every agent' },
                  ...(agents.data ?? []).map((a) => ({ value: a.id, label: a.name })),
                ]}
              />
              <Select
                label="Expires"
                value={expires}
                onChange={(v) => setExpires(v ?? '90')}
                allowDeselect={false}
                data={[
                  { value: '30', label: 'In 30 days' },
                  { value: '90', label: 'In 90 days' },
                  { value: '365', label: 'In a year' },
                  { value: 'never', label: 'Never' },
                ]}
              />
            </Group>
            <Select
              label="Permissions of the key"
              description="A key acts with its own permissions, never its creator's."
              value={grant}
              onChange={(v) => setGrant(v ?? 'custom')}
              allowDeselect={false}
              data={[
                ...presetOptions(presets.data ?? []),
                { group: 'Other', items: [{ value: 'custom', label: 'Custom…' }] },
              ]}
            />
            {grant === 'custom' && (
              <PermissionMatrix value={matrix} onChange={setMatrix} label="Key permissions" />
            )}
            <ErrorAlert error={error} title="Could not create the key" />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!name.trim()}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
