// One measured figure beside its floor, and what every bench phase is given.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same measure of the floor (bare Bolt, bare DuckDB, bare fsync), taken in the same run. */
  floor?: number;
  /** value / floor, or what the target is stated on. */
  ratio?: number;
  target?: string;
  /** Undefined for figures reported without a target. */
  met?: boolean;
}

export interface BenchContext {
  dir: string;
  small: boolean;
  sizes: {
    requests: number;
    scenario1Bytes: number;
    rawRows: number;
    journalAppends: number;
    verifyLines: number;
    outputBytes: number;
  };
  figures: Figure[];
  notes: string[];
  log(text: string): void;
}

/** A figure with a ratio to its floor and a target on that ratio (at most `maxRatio`). */
export function ratioFigure(name: string, value: number, floor: number, unit: string, maxRatio?: number): Figure {
  const ratio = value / floor;
  return { name, value, floor, unit, ratio, ...(maxRatio === undefined ? {} : { target: `ratio ≤ ${maxRatio}`, met: ratio <= maxRatio }) };
}
