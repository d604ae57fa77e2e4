import { BUILTIN_PRESET_VIEWS, type PresetChoice } from '../../api/hooks';

/**
 * Select options for a preset picker, grouped into built-in and custom
 * presets; values are `preset:<id>`. Falls back to the built-ins of
 * @atrium/policy while the workspace's list loads.
 */
export function presetOptions(presets: PresetChoice[]) {
  const list = presets.length ? presets : BUILTIN_PRESET_VIEWS;
  const builtin = list.filter((p) => p.builtin);
  const custom = list.filter((p) => !p.builtin);
  return [
    ...(custom.length
      ? [{ group: 'Custom presets', items: custom.map((p) => ({ value: `preset:${p.id}`, label: p.name })) }]
      : []),
    { group: 'Built-in presets', items: builtin.map((p) => ({ value: `preset:${p.id}`, label: p.name })) },
  ];
}

/** The display name of a preset id (built-in or custom). */
export function presetName(
  presets: PresetChoice[] | undefined,
  id: string | null | undefined,
): string | null {
  if (!id) return null;
  return (
    (presets ?? []).find((p) => p.id === id)?.name ??
    BUILTIN_PRESET_VIEWS.find((p) => p.id === id)?.name ??
    'Preset'
  );
}

/** The matrix of a preset id, when known. */
export function presetMatrix(presets: PresetChoice[] | undefined, id: string | null | undefined) {
  if (!id) return null;
  return (
    (presets ?? []).find((p) => p.id === id)?.matrix ??
    BUILTIN_PRESET_VIEWS.find((p) => p.id === id)?.matrix ??
    null
  );
}
