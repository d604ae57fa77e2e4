import { createTheme, type MantineColorsTuple } from '@mantine/core';

/** Atrium's indigo-violet, the colour of the logo. */
const atrium: MantineColorsTuple = [
  '#f0efff',
  '#dcdaff',
  '#b7b2f8',
  '#9189f2',
  '#7066ec',
  '#5b4fe8',
  '#4c3fd6',
  '#4034be',
  '#372ca9',
  '#2c2395',
];

/** The console's theme: system fonts (no external requests), calm greys, one accent colour. */
export const theme = createTheme({
  primaryColor: 'atrium',
  primaryShade: 6,
  colors: { atrium },
  fontFamily:
    'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    Button: { defaultProps: { radius: 'md' } },
    Badge: { defaultProps: { radius: 'sm' } },
    Paper: { defaultProps: { radius: 'md' } },
    Modal: {
      defaultProps: { radius: 'md', centered: true },
      styles: { title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } },
    },
  },
});
