import { diffMatrix, type Matrix, type Permission, toMatrixInput } from '@atrium/policy';
import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api } from '../../api/client';
import { invalidateWorkspace, usePresets } from '../../api/hooks';
import type { Member } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PermissionMatrix } from '../../components/PermissionMatrix';
import { presetOptions } from './presetOptions';

type Mode = 'replace' | 'merge';

/**
 * Bulk permission edit (docs/rules.md §4: "Bulk permission edits say whether they
 * replace or merge"). Replace: the preset or matrix becomes each member's
 * grant. Merge: only the items changed here are applied; everything else each
 * member has stays as it is.
 */
export function BulkEditDialog({
  members,
  workspaceId,
  onClose,
}: {
  members: Member[];
  workspaceId: string;
  onClose: (done: boolean) => void;
}) {
  const presets = usePresets(workspaceId);
  const [mode, setMode] = useState<Mode>('replace');
  const [grant, setGrant] = useState<string>('custom');
  const [matrix, setMatrix] = useState<Matrix>({});
  const [touched, setTouched] = useState<Set<Permission>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  function change(next: Matrix) {
    // Remember every item the admin changed: in merge mode only those are sent.
    const changed = diffMatrix(matrix, next).map((c) => c.permission);
    setTouched((t) => new Set([...t, ...changed]));
    setMatrix(next);
  }

  const usePreset = mode === 'replace' && grant !== 'custom';
  const mergeMatrix = Object.fromEntries([...touched].map((p) => [p, matrix[p] ?? 'none']));

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const body = {
        userIds: members.map((m) => m.userId),
        mode,
        ...(usePreset
          ? { presetId: grant.replace(/^preset:/, '') }
          : { matrix: mode === 'merge' ? mergeMatrix : toMatrixInput(matrix) }),
      };
      const res = await api.POST('/v1/workspaces/{workspaceId}/members/bulk-permissions', {
        params: { path: { workspaceId } },
        body,
      });
      notifications.show({
        color: 'green',
        title: `Permissions ${mode === 'replace' ? 'replaced' : 'merged'} for ${members.length} member${members.length === 1 ? '' : 's'}`,
        message: `In effect now (revision ${res.revision}).`,
      });
      await invalidateWorkspace(workspaceId);
      onClose(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={() => onClose(false)}
      title={`Edit permissions of ${members.length} members`}
      size="xl"
    >
      <Stack>
        <Text fz="sm" c="dimmed">
          {members.map((m) => m.name || m.email).join(', ')}
        </Text>
        <SegmentedControl
          aria-label="How to apply"
          value={mode}
          onChange={(v) => setMode(v as Mode)}
          data={[
            { value: 'replace', label: 'Replace their permissions' },
            { value: 'merge', label: 'Merge: change only the items I set' },
          ]}
        />
        {mode === 'replace' ? (
          <Select
            label="New permissions"
            value={grant}
            onChange={(v) => setGrant(v ?? 'custom')}
            allowDeselect={false}
            data={[
              { group: 'Custom', items: [{ value: 'custom', label: 'Custom permissions…' }] },
              ...presetOptions(presets.data ?? []),
            ]}
          />
        ) : (
          <Alert variant="light" color="atrium">
            Only the items you change below are applied ({touched.size} so far); everything else each member
            has stays as it is. Linked presets are turned into custom permissions.
          </Alert>
        )}
        {!usePreset && <PermissionMatrix value={matrix} onChange={change} label="Permissions to apply" />}
        <ErrorAlert error={error} title="Could not apply the change" />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose(false)}>
            Cancel
          </Button>
          <Button loading={busy} disabled={mode === 'merge' && touched.size === 0} onClick={submit}>
            {mode === 'replace' ? 'Replace permissions' : 'Merge permissions'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
