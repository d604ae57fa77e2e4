import {
  AREAS,
  type Area,
  areaLevel,
  CATALOG_LABELS,
  isSensitive,
  LEVELS,
  type Level,
  levelOf,
  type Matrix,
  type Permission,
  permissionsOf,
  setArea,
  setItem,
} from '@atrium/policy';
import {
  ActionIcon,
  Badge,
  Box,
  Collapse,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconChevronRight, IconLock, IconShieldLock } from '@tabler/icons-react';
import { useState } from 'react';
import { LEVEL_COLOR, LEVEL_LABEL, LevelBadge } from './badges';

const LEVEL_DATA = LEVELS.map((l) => ({ value: l, label: LEVEL_LABEL[l] }));

/** A policy cap that binds an item (shown next to it so nobody is surprised). */
export interface CapHint {
  maxLevel: Level;
  source: string;
}

export interface PermissionMatrixProps {
  /** The matrix shown (per item; absent = none). */
  value: Matrix;
  /** Called with the new matrix; omit for a read-only matrix. */
  onChange?: (next: Matrix) => void;
  /** Caps that apply, by permission (from the workspace's policies). */
  caps?: Partial<Record<Permission, CapHint>>;
  /** Areas open at first. */
  defaultExpanded?: Area[];
  /** A name for the matrix, used in accessible labels ("Max's permissions"). */
  label?: string;
}

/** "policy:embedding_disabled" → "Embedding disabled policy"; "cap:…" → "a workspace cap". */
export function capSourceLabel(source: string): string {
  if (source.startsWith('policy:')) {
    const name = source.slice('policy:'.length).replace(/_/g, ' ');
    return `the “${name.charAt(0).toUpperCase()}${name.slice(1)}” policy`;
  }
  return 'a workspace cap';
}

function LevelControl({
  value,
  onChange,
  label,
  size,
}: {
  value: Level | 'mixed';
  onChange?: (l: Level) => void;
  label: string;
  size: 'xs' | 'sm';
}) {
  if (!onChange) return <LevelBadge level={value} size={size === 'xs' ? 'sm' : 'md'} />;
  return (
    <SegmentedControl
      aria-label={label}
      size={size}
      data={LEVEL_DATA}
      // 'mixed' selects nothing: the items differ (docs/rules.md §2), the badge beside says so.
      value={value === 'mixed' ? '' : value}
      onChange={(v) => onChange(v as Level)}
      color={value === 'mixed' ? undefined : LEVEL_COLOR[value]}
      withItemsBorders={false}
      w={size === 'xs' ? 210 : 234}
    />
  );
}

function ItemRow({
  permission,
  matrix,
  onChange,
  cap,
}: {
  permission: Permission;
  matrix: Matrix;
  onChange?: (next: Matrix) => void;
  cap?: CapHint;
}) {
  const meta = CATALOG_LABELS.items[permission];
  const level = levelOf(matrix, permission);
  return (
    <Group
      justify="space-between"
      wrap="nowrap"
      py={6}
      pl={44}
      pr="md"
      data-permission={permission}
      style={{ borderTop: '1px solid var(--mantine-color-gray-1)' }}
    >
      <Box miw={0}>
        <Group gap={6} wrap="nowrap">
          <Text fz="sm" fw={500}>
            {meta.label}
          </Text>
          {cap && (
            <Tooltip label={`Capped at ${LEVEL_LABEL[cap.maxLevel]} by ${capSourceLabel(cap.source)}`}>
              <Badge
                size="xs"
                variant="outline"
                color="orange"
                leftSection={<IconLock size={10} aria-hidden="true" />}
                tabIndex={0}
              >
                max {LEVEL_LABEL[cap.maxLevel]}
              </Badge>
            </Tooltip>
          )}
        </Group>
        <Text fz="xs" c="dimmed" truncate="end">
          {meta.description}
        </Text>
      </Box>
      <LevelControl
        value={level}
        onChange={onChange ? (l) => onChange(setItem(matrix, permission, l)) : undefined}
        label={`${meta.label} level`}
        size="xs"
      />
    </Group>
  );
}

function AreaRow({
  area,
  matrix,
  onChange,
  caps,
  open,
  onToggle,
}: {
  area: Area;
  matrix: Matrix;
  onChange?: (next: Matrix) => void;
  caps?: Partial<Record<Permission, CapHint>>;
  open: boolean;
  onToggle: () => void;
}) {
  const meta = CATALOG_LABELS.areas[area];
  const level = areaLevel(matrix, area);
  const perms = permissionsOf(area);
  const regular = perms.filter((p) => !isSensitive(p));
  const sensitive = perms.filter((p) => isSensitive(p));
  const panelId = `matrix-area-${area}`;
  const granted = regular.filter((p) => levelOf(matrix, p) !== 'none').length;
  return (
    <Box data-area={area} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
      <Group justify="space-between" wrap="nowrap" px="md" py="sm">
        <Group gap="xs" wrap="nowrap" miw={0}>
          <ActionIcon
            variant="subtle"
            color="gray"
            onClick={onToggle}
            aria-expanded={open}
            aria-controls={panelId}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${meta.label} items`}
          >
            <IconChevronRight
              size={16}
              style={{ transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 150ms' }}
            />
          </ActionIcon>
          <Box miw={0}>
            <Group gap={8}>
              <Text fw={600}>{meta.label}</Text>
              {level === 'mixed' && (
                <Badge size="sm" color="orange" variant="light">
                  Mixed
                </Badge>
              )}
              <Text fz="xs" c="dimmed">
                {granted} of {regular.length} items granted
              </Text>
            </Group>
            <Text fz="xs" c="dimmed" truncate="end">
              {meta.description}
            </Text>
          </Box>
        </Group>
        <LevelControl
          value={level}
          onChange={onChange ? (l) => onChange(setArea(matrix, area, l)) : undefined}
          label={`${meta.label} level (all items)`}
          size="sm"
        />
      </Group>
      <Collapse expanded={open} id={panelId}>
        <Box pb="xs">
          {regular.map((p) => (
            <ItemRow key={p} permission={p} matrix={matrix} onChange={onChange} cap={caps?.[p]} />
          ))}
          {sensitive.length > 0 && (
            <Box mt={4} mx="md" p={4} style={{ background: 'var(--mantine-color-red-0)', borderRadius: 8 }}>
              <Group gap={6} px={40} py={4}>
                <IconShieldLock size={14} color="var(--mantine-color-red-7)" aria-hidden="true" />
                <Text fz="xs" fw={600} c="red.8">
                  Sensitive data — granted one by one; the {meta.label} control never changes these.
                </Text>
              </Group>
              {sensitive.map((p) => (
                <ItemRow key={p} permission={p} matrix={matrix} onChange={onChange} cap={caps?.[p]} />
              ))}
            </Box>
          )}
        </Box>
      </Collapse>
    </Box>
  );
}

/**
 * The permission matrix of seed 000 and docs/rules.md §2: five areas, each with a
 * None/Read/Edit control that sets all of its items, expandable into the
 * items (each settable higher or lower than its siblings), *Mixed* when they
 * differ, and the sensitive items apart, never set by the area control. Uses
 * the same pure functions as the server (`setArea`, `setItem`, `areaLevel`).
 * Keyboard: Tab moves between controls, arrow keys change a level, Enter or
 * Space expands an area.
 */
export function PermissionMatrix({
  value,
  onChange,
  caps,
  defaultExpanded = [],
  label,
}: PermissionMatrixProps) {
  const [open, setOpen] = useState<Set<Area>>(() => new Set(defaultExpanded));
  const toggle = (a: Area) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(a)) n.delete(a);
      else n.add(a);
      return n;
    });
  return (
    <Paper withBorder style={{ overflow: 'hidden' }} role="group" aria-label={label ?? 'Permissions'}>
      <Group justify="space-between" px="md" py={8} bg="gray.0">
        <Text fz="xs" fw={700} c="dimmed" tt="uppercase">
          Area
        </Text>
        <Group gap="xs">
          <Text fz="xs" fw={700} c="dimmed" tt="uppercase">
            Level
          </Text>
          <Text fz="xs" c="dimmed">
            (None · Read · Edit)
          </Text>
        </Group>
      </Group>
      <Stack gap={0}>
        {AREAS.map((area) => (
          <AreaRow
            key={area}
            area={area}
            matrix={value}
            onChange={onChange}
            caps={caps}
            open={open.has(area)}
            onToggle={() => toggle(area)}
          />
        ))}
      </Stack>
    </Paper>
  );
}
