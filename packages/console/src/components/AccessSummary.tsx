import { AREAS, areaLevel, CATALOG_LABELS, type Matrix } from '@atrium/policy';
import { Box, Group, Tooltip } from '@mantine/core';
import { LEVEL_COLOR, LEVEL_LABEL } from './badges';

/**
 * Five small tiles, one per area (A B C C D), coloured by level, with the
 * full reading in the accessible label and tooltip: a member's matrix at a glance.
 */
export function AccessSummary({ matrix }: { matrix: Matrix }) {
  const parts = AREAS.map((a) => {
    const l = areaLevel(matrix, a);
    return {
      area: a,
      level: l,
      text: `${CATALOG_LABELS.areas[a].label}: ${l === 'mixed' ? 'Mixed' : LEVEL_LABEL[l]}`,
    };
  });
  const label = parts.map((p) => p.text).join(', ');
  return (
    <Tooltip label={label} multiline w={260}>
      <Group gap={3} wrap="nowrap" role="img" aria-label={label} tabIndex={0}>
        {parts.map((p) => (
          <Box
            key={p.area}
            w={24}
            h={20}
            fz={10}
            fw={700}
            style={{
              display: 'grid',
              placeItems: 'center',
              borderRadius: 4,
              color: p.level === 'none' ? 'var(--mantine-color-gray-5)' : 'white',
              background:
                p.level === 'none'
                  ? 'var(--mantine-color-gray-1)'
                  : `var(--mantine-color-${LEVEL_COLOR[p.level]}-${p.level === 'mixed' ? 5 : 6})`,
            }}
          >
            {CATALOG_LABELS.areas[p.area].label.slice(0, 2)}
          </Box>
        ))}
      </Group>
    </Tooltip>
  );
}
