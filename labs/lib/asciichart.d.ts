/** Types for `asciichart` (the package ships none). */
declare module 'asciichart' {
  export interface PlotConfig {
    height?: number;
    min?: number;
    max?: number;
    offset?: number;
    padding?: string;
    colors?: Array<string | undefined>;
    format?: (value: number, index: number) => string;
  }
  export function plot(series: number[] | number[][], config?: PlotConfig): string;
  export const blue: string;
  export const green: string;
  export const magenta: string;
  export const cyan: string;
  export const yellow: string;
  export const red: string;
  const asciichart: { plot: typeof plot; blue: string; green: string; magenta: string; cyan: string; yellow: string; red: string };
  export default asciichart;
}
