/** Runs `work` `runs` times after one warm-up and returns the median wall time in milliseconds. */
export async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  return medianOf(runs, async () => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  });
}

/** Runs `measure` `runs` times after one warm-up and returns the median of the values it measured. */
export async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
  await measure();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  return median(values);
}

/** The median of some measurements (the upper middle one for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Prints an aligned table of label → value rows under a heading. */
export function printTable(heading: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${heading}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

export const ms = (value: number) => `${value.toFixed(0)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;
