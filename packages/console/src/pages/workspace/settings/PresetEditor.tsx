import { type Matrix, toMatrixInput } from '@atrium/policy';
import { Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api, fieldError } from '../../../api/client';
import { invalidateWorkspace } from '../../../api/hooks';
import type { PresetView } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PermissionMatrix } from '../../../components/PermissionMatrix';

/** Creates a custom preset (empty or copied from another) or saves a new version of one. */
export function PresetEditor({
  workspaceId,
  preset,
  copyFrom,
  onClose,
}: {
  workspaceId: string;
  preset: PresetView | null;
  copyFrom: PresetView | null;
  onClose: () => void;
}) {
  const source = preset ?? copyFrom;
  const [name, setName] = useState(preset?.name ?? (copyFrom ? `${copyFrom.name} (custom)` : ''));
  const [description, setDescription] = useState(source?.description ?? '');
  const [matrix, setMatrix] = useState<Matrix>(source?.matrix ?? {});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function save() {
    setBusy(true);
    setError(null);
    try {
      const body = { name: name.trim(), description, matrix: toMatrixInput(matrix) };
      if (preset)
        await api.PATCH('/v1/workspaces/{workspaceId}/presets/{id}', {
          params: { path: { workspaceId, id: preset.id } },
          body,
        });
      else
        await api.POST('/v1/workspaces/{workspaceId}/presets', { params: { path: { workspaceId } }, body });
      notifications.show({
        color: 'green',
        title: preset ? `${name} saved as a new version` : `${name} created`,
        message: preset
          ? 'Everyone linked to it has the new permissions now.'
          : 'Link members to it from the Users tab.',
      });
      await invalidateWorkspace(workspaceId);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened onClose={onClose} title={preset ? `Edit ${preset.name}` : 'New custom preset'} size="xl">
      <Stack>
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(error, 'name')}
            data-autofocus
          />
          <Textarea
            label="Description"
            autosize
            minRows={1}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
        </Group>
        <PermissionMatrix value={matrix} onChange={setMatrix} label="Preset permissions" />
        {preset && (
          <Text fz="xs" c="dimmed">
            Saving keeps the current version and creates version {(preset.version ?? 1) + 1}; every member,
            agent user and key linked to this preset changes at once.
          </Text>
        )}
        <ErrorAlert error={error} title="Could not save the preset" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={busy} disabled={!name.trim()} onClick={save}>
            {preset ? 'Save new version' : 'Create preset'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
