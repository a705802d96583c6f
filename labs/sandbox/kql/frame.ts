/**
 * The engine's in-flight table: named, typed columns whose data is produced on first use, so an
 * operator that keeps a column (where, take, sort) does not copy it until someone reads it.
 */
import type { KqlTable, KqlType } from './types.ts';

export class Column {
  private cached: ArrayLike<unknown> | undefined;

  constructor(
    readonly name: string,
    readonly type: KqlType,
    private readonly produce: () => ArrayLike<unknown>,
    /** Set when every row holds this one value (read without materialising the column). */
    readonly constant?: { value: unknown },
  ) {}

  static constantOf(name: string, type: KqlType, value: unknown, length: number): Column {
    return new Column(name, type, () => new Array(length).fill(value), { value });
  }

  static of(name: string, type: KqlType, data: ArrayLike<unknown>): Column {
    const column = new Column(name, type, () => data);
    column.cached = data;
    return column;
  }

  data(): ArrayLike<unknown> {
    if (this.cached === undefined) this.cached = this.produce();
    return this.cached;
  }

  renamed(name: string): Column {
    return new Column(name, this.type, () => this.data(), this.constant);
  }

  /** The rows at `indexes`, in that order. */
  gathered(indexes: Int32Array): Column {
    if (this.constant) return Column.constantOf(this.name, this.type, this.constant.value, indexes.length);
    return new Column(this.name, this.type, () => {
      const source = this.data();
      const out = new Array(indexes.length);
      for (let j = 0; j < indexes.length; j++) out[j] = source[indexes[j]];
      return out;
    });
  }
}

export interface Frame {
  columns: Column[];
  /** Rows 0..length-1 of every column's data are the frame's rows. */
  length: number;
}

export function findColumn(frame: Frame, name: string): Column | undefined {
  return frame.columns.find((column) => column.name === name);
}

/** A source table as a frame; computed columns are materialised only when a query reads them. */
export function frameFromTable(table: KqlTable): Frame {
  const length = table.rowCount;
  const columns = table.columns.map((spec) => {
    const values = spec.values;
    if ('constant' in values) return Column.constantOf(spec.name, spec.type, values.constant, length);
    if (typeof values !== 'function') return Column.of(spec.name, spec.type, values);
    return new Column(spec.name, spec.type, () => {
      const out = new Array(length);
      for (let i = 0; i < length; i++) out[i] = values(i);
      return out;
    });
  });
  return { columns, length };
}

export function gatherFrame(frame: Frame, indexes: Int32Array): Frame {
  return { columns: frame.columns.map((column) => column.gathered(indexes)), length: indexes.length };
}
