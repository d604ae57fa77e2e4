import { type Matrix, normalizeMatrix, toMatrixInput } from '@atrium/policy';
import { Badge, Button, Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../../api/client';
import { invalidateWorkspace, usePolicies, usePresets } from '../../../api/hooks';
import type { Member } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PermissionMatrix } from '../../../components/PermissionMatrix';
import { capHints } from '../../../components/policyCaps';
import { presetMatrix, presetName, presetOptions } from '../presetOptions';

type Mode = 'preset' | 'custom';

function sameMatrix(a: Matrix, b: Matrix): boolean {
  return JSON.stringify(normalizeMatrix(a)) === JSON.stringify(normalizeMatrix(b));
}

/**
 * A member's workspace permissions (seed 000's matrix): link a preset, or set
 * a custom matrix area by area and item by item; saving takes effect at once
 * (the server bumps the revision and returns it).
 */
export function PermissionsEditor({
  member,
  workspaceId,
  editable,
}: {
  member: Member;
  workspaceId: string;
  editable: boolean;
}) {
  const presets = usePresets(workspaceId);
  const policies = usePolicies(workspaceId);
  const [mode, setMode] = useState<Mode>(member.presetId ? 'preset' : 'custom');
  const [presetId, setPresetId] = useState<string | null>(member.presetId);
  const [matrix, setMatrix] = useState<Matrix>(member.matrix ?? {});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // When the server's copy changes (after a save or elsewhere), start from it again.
  useEffect(() => {
    setMode(member.presetId ? 'preset' : 'custom');
    setPresetId(member.presetId);
    setMatrix(member.matrix ?? {});
  }, [member.presetId, member.matrix]);

  const dirty =
    mode === 'preset'
      ? presetId !== member.presetId
      : member.presetId !== null || !sameMatrix(matrix, member.matrix ?? {});
  const shown: Matrix = mode === 'preset' ? (presetMatrix(presets.data, presetId) ?? {}) : matrix;
  const caps = useMemo(() => capHints(policies.data), [policies.data]);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const body = mode === 'preset' ? { presetId } : { matrix: toMatrixInput(matrix) };
      const res = await api.PATCH('/v1/workspaces/{workspaceId}/members/{userId}', {
        params: { path: { workspaceId, userId: member.userId } },
        body,
      });
      notifications.show({
        color: 'green',
        title: 'Permissions saved',
        message: `In effect now${res.revision !== undefined ? ` (revision ${res.revision})` : ''}.`,
      });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  function discard() {
    setMode(member.presetId ? 'preset' : 'custom');
    setPresetId(member.presetId);
    setMatrix(member.matrix ?? {});
    setError(null);
  }

  return (
    <Stack gap="sm">
      {editable && (
        <Group justify="space-between" align="flex-end">
          <Group align="flex-end">
            <div>
              <Text fz="sm" fw={500} mb={4} id="grant-mode-label">
                Permissions come from
              </Text>
              <SegmentedControl
                aria-labelledby="grant-mode-label"
                value={mode}
                onChange={(v) => {
                  const next = v as Mode;
                  // Switching to custom starts from what the preset gives, to tweak it.
                  if (next === 'custom' && mode === 'preset') setMatrix(shown);
                  setMode(next);
                }}
                data={[
                  { value: 'preset', label: 'A preset' },
                  { value: 'custom', label: 'Custom' },
                ]}
              />
            </div>
            {mode === 'preset' && (
              <Select
                label="Preset"
                aria-label="Preset"
                placeholder="Choose a preset"
                value={presetId ? `preset:${presetId}` : null}
                onChange={(v) => setPresetId(v ? v.replace(/^preset:/, '') : null)}
                data={presetOptions(presets.data ?? [])}
                w={260}
                searchable
              />
            )}
          </Group>
          <Group gap="xs">
            {dirty && (
              <Badge color="orange" variant="light">
                Unsaved changes
              </Badge>
            )}
            <Button variant="default" disabled={!dirty || saving} onClick={discard}>
              Discard
            </Button>
            <Button
              leftSection={<IconDeviceFloppy size={16} />}
              disabled={!dirty || (mode === 'preset' && !presetId)}
              loading={saving}
              onClick={save}
            >
              Save permissions
            </Button>
          </Group>
        </Group>
      )}
      {!editable && (
        <Text fz="sm" c="dimmed">
          {member.presetId
            ? `Linked to the preset “${presetName(presets.data, member.presetId)}”.`
            : 'Custom permissions.'}
        </Text>
      )}
      {mode === 'preset' && editable && (
        <Text fz="sm" c="dimmed">
          Linked presets stay in sync: editing a custom preset changes everyone linked to it. Switch to Custom
          to adjust single items.
        </Text>
      )}
      <ErrorAlert error={error} title="Could not save" />
      <PermissionMatrix
        value={shown}
        onChange={editable && mode === 'custom' ? setMatrix : undefined}
        caps={caps}
        label={`${member.name || member.email}'s workspace permissions`}
      />
    </Stack>
  );
}
