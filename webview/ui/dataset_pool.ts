/**
 * Keeps each chart.js dataset object alive across redraws. chart.js keeps a dataset's
 * controller and elements only while the dataset object is the same one; handing it new
 * objects on every update rebuilds them all, which was most of a live redraw's cost.
 */
export class DatasetPool<D extends object> {
  private previous = new Map<string, D>();
  private current = new Map<string, D>();

  /** The dataset kept under `key`, updated with `fields`, or `fields` itself the first time. */
  take(key: string, fields: D): D {
    const kept = this.previous.get(key) ?? this.current.get(key);
    const dataset = kept ? Object.assign(kept, fields) : fields;
    this.current.set(key, dataset);
    return dataset;
  }

  /** Call after each redraw: datasets not taken since the last call are let go. */
  sweep(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}
