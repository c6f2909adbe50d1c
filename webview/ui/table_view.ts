/**
 * The trial table: sortable headers, status and range filters, rows that select (Ctrl/Cmd
 * toggles, Shift extends). Rows are kept per trial and rebuilt only when their trial
 * changes, so live updates touch a handful of rows, not a thousand.
 */
import type { TrialSummary } from '../../protocol/runtime_api';
import type { TrialStatus } from '../../protocol/trial';
import { formatValue } from '../../protocol/format';
import type { SelectGesture } from '../model/selection';
import { cellText, columnWidths, toggleSort, type Column, type TableQuery } from '../model/trial_table';
import { button, el, setOptions } from './dom';
import { gestureOf } from './gestures';

const STATUSES: TrialStatus[] = ['PENDING', 'RUNNING', 'PAUSED', 'TERMINATED', 'ERROR'];
/** Rows put in the page at first, and added per "show more": laying out 1,000 rows costs a frame. */
const ROW_PAGE = 100;

export interface TableContext {
  onQuery(query: TableQuery): void;
  onSelect(trialId: string, gesture: SelectGesture): void;
  /** The trial's identity colour, as every chart draws it. */
  colorOf(trialId: string): string;
  onExportCsv(): void;
  onCompare(): void;
  /** The user hid or showed columns (their keys). */
  onHiddenColumns(hidden: string[]): void;
}

interface RowEntry {
  trial: TrialSummary;
  columnsKey: string;
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  /** The swatch in the trial cell, and the colour it shows. */
  swatch: HTMLElement;
  color: string;
}

export class TableView {
  readonly root: HTMLElement;
  private readonly head = el('thead');
  private readonly cols = el('colgroup');
  private readonly table = el('table', { className: 'trials' });
  private readonly body = el('tbody');
  private readonly statusBox = el('div', { className: 'chips' });
  private readonly rangeBox = el('div', { className: 'chips' });
  private readonly rangeColumn = el('select', { title: 'Column to filter by range' });
  private readonly rangeMin = el('input', { title: 'Minimum (empty: none)' });
  private readonly rangeMax = el('input', { title: 'Maximum (empty: none)' });
  private readonly search = el('input', { className: 'trial-search', title: 'Find trials by id, name or parameter (e.g. lr=0.01); every chart shows only the matches' });
  private readonly countLabel = el('span', { className: 'muted' });
  private readonly chooserList = el('div', { className: 'column-list' });
  private readonly chooser = el('details', { className: 'column-chooser', title: 'Choose the columns the table shows' }, [el('summary', { text: 'Columns' }), this.chooserList]);
  private hidden: readonly string[] = [];
  private readonly compareButton: HTMLButtonElement;
  private readonly rows = new Map<string, RowEntry>();
  private columns: Column[] = [];
  private columnsKey = '';
  private query!: TableQuery;
  private order: string[] = [];
  private allOrder: string[] = [];
  private limit = ROW_PAGE;
  private readonly moreRow = el('tr', { className: 'more' });
  private readonly moreButton: HTMLButtonElement;

  constructor(private readonly ctx: TableContext) {
    this.table.append(this.cols, this.head, this.body);
    this.rangeMin.type = this.rangeMax.type = 'number';
    this.rangeMin.placeholder = 'min';
    this.rangeMax.placeholder = 'max';
    this.rangeMin.step = this.rangeMax.step = 'any';
    this.compareButton = button('Compare', () => ctx.onCompare(), 'Compare the selected trials side by side');
    this.moreButton = button('', () => {
      this.limit += ROW_PAGE * 5;
      ctx.onQuery(this.query);
    });
    this.search.type = 'search';
    this.search.placeholder = 'find trial or param…';
    this.search.addEventListener('input', () => ctx.onQuery({ ...this.query, search: this.search.value }));
    const addRange = button('Add range', () => this.addRange(), 'Keep only rows whose value lies in this range');
    this.root = el('div', { className: 'table-view' }, [
      el('div', { className: 'table-tools' }, [
        this.search,
        this.statusBox,
        el('span', { className: 'range-form' }, [this.rangeColumn, this.rangeMin, this.rangeMax, addRange]),
        this.rangeBox,
        el('span', { className: 'spacer' }),
        this.countLabel,
        this.chooser,
        this.compareButton,
        button('Export CSV', () => ctx.onExportCsv(), 'Save the rows shown as CSV'),
      ]),
      el('div', { className: 'table-scroll' }, [this.table]),
    ]);
  }

  /** The order of every row that passes the filters (shown or not yet), for shift-click ranges. */
  visibleOrder(): readonly string[] {
    return this.allOrder;
  }

  /** `all`: every column there is, for the chooser; `columns`: those shown. */
  render(columns: Column[], allRows: TrialSummary[], query: TableQuery, selection: ReadonlySet<string>, bestId: string | undefined, total: number, all: Column[] = columns, hiddenKeys: readonly string[] = []): void {
    this.renderChooser(all, hiddenKeys);
    this.query = query;
    // Never rewrite the box under the user's typing; a restored query fills it.
    if (document.activeElement !== this.search && this.search.value !== query.search) this.search.value = query.search;
    this.allOrder = allRows.map((t) => t.id);
    const rows = allRows.slice(0, this.limit);
    const columnsKey = columns.map((c) => `${c.key}\u0001${c.label}`).join('\u0000');
    if (columnsKey !== this.columnsKey) {
      this.columns = columns;
      this.columnsKey = columnsKey;
      setOptions(this.rangeColumn, columns.filter((c) => c.numeric).map((c) => ({ value: c.key, label: c.label })), this.rangeColumn.value || columns.find((c) => c.numeric)?.key || '');
    }
    this.renderHead();
    this.renderWidths(allRows);
    this.renderFilters();
    const fragmentNeeded = rows.length !== this.order.length || rows.some((t, i) => this.order[i] !== t.id);
    const seen = new Set<string>();
    for (const t of rows) {
      seen.add(t.id);
      let entry = this.rows.get(t.id);
      if (!entry || entry.columnsKey !== columnsKey) {
        const built = this.buildRow(t, columnsKey);
        if (entry) entry.tr.replaceWith(built.tr);
        this.rows.set(t.id, (entry = built));
      } else if (entry.trial !== t) {
        this.updateRow(entry, t);
      }
      const color = this.ctx.colorOf(t.id);
      if (entry.color !== color) entry.swatch.style.backgroundColor = entry.color = color;
      entry.tr.classList.toggle('selected', selection.has(t.id));
      entry.tr.classList.toggle('best', t.id === bestId);
    }
    for (const [id, entry] of this.rows) {
      if (!seen.has(id)) {
        entry.tr.remove();
        this.rows.delete(id);
      }
    }
    if (fragmentNeeded) {
      const fragment = document.createDocumentFragment();
      for (const t of rows) fragment.append(this.rows.get(t.id)!.tr);
      this.body.append(fragment);
      this.order = rows.map((t) => t.id);
    }
    const hidden = allRows.length - rows.length;
    if (hidden > 0) {
      this.moreButton.textContent = `Show ${Math.min(hidden, ROW_PAGE * 5)} more (${hidden} not shown)`;
      const cell = el('td', {}, [this.moreButton]);
      cell.colSpan = this.columns.length;
      this.moreRow.replaceChildren(cell);
      this.body.append(this.moreRow);
    } else {
      this.moreRow.remove();
    }
    this.countLabel.textContent = allRows.length === total ? `${total} trials` : `${allRows.length} of ${total} trials`;
    this.compareButton.disabled = selection.size < 2;
    this.compareButton.textContent = selection.size >= 2 ? `Compare ${selection.size}` : 'Compare';
  }

  private renderChooser(all: readonly Column[], hidden: readonly string[]): void {
    const key = JSON.stringify([all.map((c) => [c.key, c.label]), hidden]);
    if (this.chooserList.dataset.key === key) return;
    this.chooserList.dataset.key = key;
    this.hidden = hidden;
    this.chooserList.replaceChildren(
      ...all
        .filter((c) => c.key !== 'id')
        .map((c) => {
          const box = el('input', { data: { column: c.key } });
          box.type = 'checkbox';
          box.checked = !hidden.includes(c.key);
          box.addEventListener('change', () => {
            const rest = this.hidden.filter((k) => k !== c.key);
            this.ctx.onHiddenColumns(box.checked ? rest : [...rest, c.key]);
          });
          return el('label', { title: c.key }, [box, ` ${c.label}`]);
        }),
    );
  }

  private buildRow(t: TrialSummary, columnsKey: string): RowEntry {
    const tr = el('tr', { data: { trialId: t.id } });
    const cells = this.columns.map((c) => el('td', { className: c.numeric ? 'num' : '' }));
    tr.append(...cells);
    tr.addEventListener('click', (event) => this.ctx.onSelect(t.id, gestureOf(event)));
    const entry: RowEntry = { trial: t, columnsKey, tr, cells, swatch: el('span', { className: 'swatch' }), color: '' };
    this.updateRow(entry, t, true);
    return entry;
  }

  /** Writes only the cells whose text changed: a running trial changes two or three per result. */
  private updateRow(entry: RowEntry, t: TrialSummary, fresh = false): void {
    entry.trial = t;
    this.columns.forEach((c, i) => {
      const v = c.value(t);
      const text = cellText(v);
      const td = entry.cells[i];
      if (!fresh && td.textContent === text) return;
      if (c.key === 'id') td.replaceChildren(entry.swatch, text);
      else td.textContent = text;
      td.title = typeof v === 'number' ? String(v) : '';
      if (c.key === 'status') td.className = `status-${t.status.toLowerCase()}`;
    });
    const title = t.endReason ?? t.waitingReason ?? '';
    if (entry.tr.title !== title) entry.tr.title = title;
  }

  private renderHead(): void {
    const key = `${this.columnsKey}\u0001${this.query.sort.key}\u0001${this.query.sort.descending}`;
    if (this.head.dataset.key === key) return;
    this.head.dataset.key = key;
    const tr = el('tr');
    for (const c of this.columns) {
      const sorted = this.query.sort.key === c.key;
      const th = el('th', { text: c.label + (sorted ? (this.query.sort.descending ? ' ▼' : ' ▲') : ''), title: `Sort by ${c.label}`, className: c.numeric ? 'num' : '' });
      th.addEventListener('click', () => this.ctx.onQuery(toggleSort(this.query, c.key)));
      tr.append(th);
    }
    this.head.replaceChildren(tr);
  }

  /** Widths from what the columns hold: the table scrolls sideways rather than cut a value to "0.0…" (issue 15). */
  private renderWidths(rows: readonly TrialSummary[]): void {
    const widths = columnWidths(this.columns, rows.slice(0, 200));
    const key = widths.join(',');
    if (this.cols.dataset.key === key) return;
    this.cols.dataset.key = key;
    this.cols.replaceChildren(...widths.map((w) => {
      const col = el('col');
      col.style.width = `${w}ch`;
      return col;
    }));
    this.table.style.width = `${widths.reduce((a, b) => a + b, 0)}ch`;
  }

  private renderFilters(): void {
    const key = JSON.stringify([this.query.statuses, this.query.ranges, this.columnsKey]);
    if (this.statusBox.dataset.key === key) return;
    this.statusBox.dataset.key = key;
    this.statusBox.replaceChildren(
      ...STATUSES.map((s) => {
        const on = this.query.statuses.includes(s);
        const chip = button(s.toLowerCase(), () => {
          const statuses = on ? this.query.statuses.filter((x) => x !== s) : [...this.query.statuses, s];
          this.ctx.onQuery({ ...this.query, statuses });
        }, on ? `Showing ${s} trials (click to stop filtering by it)` : `Show only ${s} trials (with any other chosen status)`);
        chip.className = `chip${on ? ' on' : ''}`;
        return chip;
      }),
    );
    this.rangeBox.replaceChildren(
      ...this.query.ranges.map((r, i) => {
        const label = this.columns.find((c) => c.key === r.key)?.label ?? r.key;
        const text = r.values
          ? `${label} ∈ {${r.values.join(', ')}} ✕`
          : `${r.min === undefined ? '−∞' : formatValue(r.min)} ≤ ${label} ≤ ${r.max === undefined ? '∞' : formatValue(r.max)} ✕`;
        const chip = button(text, () => this.ctx.onQuery({ ...this.query, ranges: this.query.ranges.filter((_, j) => j !== i) }), 'Remove this range');
        chip.className = 'chip on';
        return chip;
      }),
    );
  }

  private addRange(): void {
    const key = this.rangeColumn.value;
    const min = this.rangeMin.value === '' ? undefined : Number(this.rangeMin.value);
    const max = this.rangeMax.value === '' ? undefined : Number(this.rangeMax.value);
    if (!key || (min === undefined && max === undefined)) return;
    this.rangeMin.value = this.rangeMax.value = '';
    this.ctx.onQuery({ ...this.query, ranges: [...this.query.ranges.filter((r) => r.key !== key), { key, min, max }] });
  }
}
