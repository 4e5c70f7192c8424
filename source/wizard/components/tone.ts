/**
 * Colours, unless NO_COLOR is set (no-color.org): then none, while bold, dim and inverse stay, so the
 * cursor of a text field and the selected item are still visible.
 */
const colorsOff = Boolean(process.env.NO_COLOR);

export type ToneName = 'red' | 'yellow' | 'green' | 'cyan' | 'gray';

export function tone(name: ToneName | undefined): ToneName | undefined {
  return colorsOff ? undefined : name;
}
