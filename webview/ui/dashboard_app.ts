/**
 * The dashboard page: owns the data, the UI state and the selection every view shares,
 * and redraws at a bounded pace: learning curves and the header at most 4 times a second;
 * the table, best-so-far, the timeline and the hyperparameter charts at most every 2
 * seconds (they move slowly, and with 1,000 trials they cost the most). A user's click
 * redraws everything at once.
 */
import type { DashboardExperiment, ExtensionToDashboard, PointColumns } from '../../protocol/dashboard_messages';
import type { TrialSummary } from '../../protocol/runtime_api';
import { bestRun, bestSoFar, bestTrial, lastRun, type BestRun } from '../model/best_so_far';
import { toCsv } from '../model/csv_export';
import { planCurves, SeriesCache } from '../model/curve_plan';
import { DashboardData } from '../model/dashboard_data';
import { headerStats, modeFor } from '../model/header_stats';
import { parallelPlan, scatterPoints, type ParallelPlan } from '../model/hparam_plan';
import { paramValue } from '../model/param_axes';
import { paramImportance } from '../model/param_importance';
import { RedrawThrottle } from '../model/redraw_throttle';
import { NO_POINTS } from '../model/series';
import { EMPTY_SELECTION, pruneSelection, select, type SelectGesture, type Selection } from '../model/selection';
import { buildTimeline, type Timeline } from '../model/timeline_lanes';
import { columnKeyOfAxis, filterTrials, tableColumns, tableRows, trialHoverLines, visibleColumns, type TableQuery } from '../model/trial_table';
import { restoreUiState, type UiState } from '../model/ui_state';
import { BestView } from './best_view';
import { applyDefaults, chartPng } from './charts';
import { CompareView } from './compare_view';
import { CurvesView } from './curves_view';
import { button, chartCard, el, setOptions } from './dom';
import { HeaderView } from './header_view';
import type { Host } from './host';
import { ImportanceView } from './importance_view';
import { ParallelView } from './parallel_view';
import { ScatterView } from './scatter_view';
import { TableView } from './table_view';
import { TimelineView } from './timeline_view';
import { ToolbarView } from './toolbar_view';
import { readPalette, trialColor, watchTheme, type Palette } from './theme';

const FAST_MS = 250;
const SLOW_MS = 2000;
/** Shares of the main thread each pace may take; a slower machine redraws less often. */
const FAST_BUDGET = 0.05;
const SLOW_BUDGET = 0.03;
/** The header's elapsed time ticks this often while live. */
const TICK_MS = 1000;
/** While live and quiet, the timeline's open bars are extended every this many ticks. */
const IDLE_TIMELINE_TICKS = 5;

export class DashboardApp {
  readonly data = new DashboardData();
  readonly curves: CurvesView;
  readonly best: BestView;
  readonly timelineView: TimelineView;
  readonly parallel: ParallelView;
  readonly scatter: ScatterView;
  readonly importance: ImportanceView;
  private readonly header = new HeaderView();
  private readonly table: TableView;
  private readonly compare: CompareView;
  private readonly compareCard: HTMLElement;
  private readonly toolbar: ToolbarView;
  private readonly scatterPicker = el('select', { title: 'Parameter on the x axis' });
  private readonly cache = new SeriesCache();
  private readonly bestRuns = new Map<string, { source: readonly number[]; key: string; run: BestRun | undefined }>();
  private readonly fast: RedrawThrottle;
  private readonly slow: RedrawThrottle;
  private palette: Palette;
  private ui: UiState;
  private selection: Selection;
  private experimentPath: string | undefined;
  private timeline: Timeline = { lanes: [], bars: [], gaps: [], queue: [], span: 0 };
  private parallelData: ParallelPlan = { axes: [], lines: [] };
  private notice: string | undefined;
  private compareOpen = false;
  private nextRequest = 1;
  /** Redraws done, by pace; the browser tests and the benchmark read them. */
  readonly renders = { fast: 0, slow: 0 };

  constructor(
    root: HTMLElement,
    private readonly host: Host,
  ) {
    this.palette = readPalette();
    applyDefaults(this.palette);
    const saved = host.state();
    this.experimentPath = saved?.experimentPath;
    this.ui = restoreUiState(saved?.ui);
    this.selection = { ids: this.ui.selection };

    const pngButton = (name: string, canvas: () => HTMLCanvasElement) => button('PNG', () => this.exportPng(name, canvas()), 'Save this chart as a PNG image');
    const curves = chartCard('Learning curves', 'curves', [pngButton('curves', () => this.curves.chart.canvas)]);
    curves.root.querySelector('h2')!.title = 'Drag to zoom to a box, Shift+drag to pan, double-click to see everything again';
    const best = chartCard('Best so far', 'best', [pngButton('best', () => this.best.chart.canvas)]);
    const timeline = chartCard('Concurrency slots', 'timeline', [pngButton('slots', () => this.timelineView.chart.canvas)]);
    const parallel = chartCard('Hyperparameters', 'parallel', [pngButton('parallel', () => this.parallel.chart.canvas)]);
    const scatter = chartCard('Parameter vs metric', 'scatter', [this.scatterPicker, pngButton('scatter', () => this.scatter.chart.canvas)]);
    const importance = chartCard('Hyperparameter importance', 'importance', [pngButton('importance', () => this.importance.chart.canvas)]);

    const select = (id: string, gesture: SelectGesture) => this.select(id, gesture);
    const colorOf = (id: string) => this.colorOf(id);
    this.curves = new CurvesView(curves.canvas, this.palette, { colorOf, describe: (id) => this.describe(id), onSelect: select, onHover: () => this.renderCurves() });
    curves.root.querySelector('.card-head')?.insertBefore(this.curves.resetButton, curves.root.querySelector('.card-head')!.lastChild);
    this.best = new BestView(best.canvas, this.palette, select);
    this.timelineView = new TimelineView(timeline.canvas, timeline.box, this.palette, {
      colorOf,
      isSelected: (id) => this.selection.ids.includes(id),
      selectionActive: () => this.selection.ids.length > 0,
      onSelect: select,
    });
    this.parallel = new ParallelView(parallel.canvas, this.palette, { colorOf, onSelect: select, valueOf: (id, key) => this.valueOf(id, key), onBrush: (key, range) => this.brush(key, range) });
    this.scatter = new ScatterView(scatter.canvas, this.palette, { colorOf, onSelect: select });
    this.importance = new ImportanceView(importance.canvas, this.palette);
    importance.root.append(this.importance.note);
    this.table = new TableView({
      onQuery: (query) => this.setQuery(query),
      onSelect: select,
      colorOf,
      onExportCsv: () => this.exportCsv(),
      onHiddenColumns: (hiddenColumns) => this.updateUi({ hiddenColumns }),
      onCompare: () => {
        this.compareOpen = true;
        this.renderSlow();
      },
    });
    this.compare = new CompareView(
      (on) => this.updateUi({ differencesOnly: on }),
      () => {
        this.compareOpen = false;
        this.renderSlow();
      },
    );
    this.compareCard = el('section', { className: 'card compare-card' }, [el('div', { className: 'card-head' }, [el('h2', { text: 'Compare trials' })]), this.compare.root]);
    this.compareCard.hidden = true;

    this.toolbar = new ToolbarView(this.ui, (change) => this.updateUi(change));
    this.scatterPicker.addEventListener('change', () => this.updateUi({ scatterParam: this.scatterPicker.value }));
    root.replaceChildren(
      this.header.root,
      this.toolbar.root,
      el('main', { className: 'grid' }, [curves.root, best.root, timeline.root, parallel.root, scatter.root, importance.root, el('section', { className: 'card table-card' }, [this.table.root]), this.compareCard]),
    );
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.selection.ids.length) this.setSelection(EMPTY_SELECTION);
    });

    const timers = { now: () => performance.now(), setTimeout: (run: () => void, ms: number) => void setTimeout(run, ms) };
    this.fast = new RedrawThrottle(FAST_MS, timers, () => this.renderFast(), FAST_BUDGET);
    this.slow = new RedrawThrottle(SLOW_MS, timers, () => this.renderSlow(), SLOW_BUDGET);
    watchTheme((palette) => this.setPalette(palette));
    // Elapsed time moves on even when no result arrives; still-held slots grow more slowly.
    let ticks = 0;
    setInterval(() => {
      const s = this.data.experiment?.summary;
      if (!s?.live || s.state !== 'running') return;
      this.renderHeader();
      if (++ticks % IDLE_TIMELINE_TICKS === 0) this.slow.request();
    }, TICK_MS);
  }

  receive(message: ExtensionToDashboard): void {
    switch (message.type) {
      case 'snapshot':
      case 'history':
      case 'delta':
        this.data.apply(message, performance.now());
        if (message.type === 'snapshot') this.adopt(message.experiment.summary.path);
        this.fast.request();
        this.slow.request();
        return;
      case 'saved':
        this.notice = message.outcome === 'saved' ? `Saved ${message.detail ?? ''}`.trim() : message.outcome === 'failed' ? `Could not save: ${message.detail ?? 'unknown error'}` : undefined;
        this.renderFast();
        return;
      case 'notice':
        this.notice = message.message;
        this.renderFast();
        return;
    }
  }

  /** A snapshot of another experiment than the saved state's: its selection means nothing here. */
  private adopt(path: string): void {
    if (this.experimentPath !== path) {
      this.experimentPath = path;
      this.selection = EMPTY_SELECTION;
    }
    this.selection = pruneSelection(this.selection, new Set(this.data.trials.keys()));
    this.saveState();
  }

  // ---- derived values ------------------------------------------------------------

  private metric(): string {
    return this.judgedMetric() ?? this.metricNames()[0] ?? '';
  }

  /** The metric "best" is judged by: the user's pick, else the spec's; a spec without one names no best until the user picks (issue 15). */
  private judgedMetric(): string | undefined {
    if (this.ui.metric && this.metricNames().includes(this.ui.metric)) return this.ui.metric;
    return this.data.experiment?.summary.metric;
  }

  private metricNames(): string[] {
    const names = new Set<string>();
    for (const t of this.data.trials.values()) for (const k of Object.keys(t.metrics)) names.add(k);
    const own = this.data.experiment?.summary.metric;
    if (own) names.add(own);
    return [...names].sort();
  }

  private mode(metric: string): 'min' | 'max' {
    return modeFor(metric, this.data.experiment, this.ui.mode);
  }

  /** The best trial under the page's scope: its last result's value, or the best it ever reported. */
  private bestUnderScope(metric: string, trials: readonly TrialSummary[]): { trialId: string; value: number } | undefined {
    if (metric !== this.judgedMetric()) return undefined;
    const mode = this.mode(metric);
    // scope "last": the trial's last result, which the summary carries before its history loads.
    const value = (t: TrialSummary) => (this.ui.scope === 'last' ? t.metrics[metric] : this.runOf(t.id, metric, mode)?.y.at(-1));
    return bestTrial(trials.map((t) => ({ id: t.id, value: value(t) })), mode);
  }

  private bestId(metric: string, trials: readonly TrialSummary[]): string | undefined {
    return this.bestUnderScope(metric, trials)?.trialId;
  }

  /** What a trial contributes to "best" under the page's scope. */
  private runOf(trialId: string, metric: string, mode: 'min' | 'max'): BestRun | undefined {
    return this.bestRunOf(trialId, this.data.points.get(trialId) ?? NO_POINTS, metric, mode);
  }

  private colorOf(trialId: string): string {
    return trialColor(this.palette, this.data.trials.get(trialId)?.index ?? 0);
  }

  private valueOf(trialId: string, axisKey: string): unknown {
    const t = this.data.trials.get(trialId);
    if (!t) return undefined;
    return axisKey.startsWith('metric:') ? t.metrics[axisKey.slice(7)] : paramValue(t, axisKey);
  }

  private describe(trialId: string): string[] {
    const t = this.data.trials.get(trialId);
    if (!t) return [];
    return trialHoverLines(t);
  }

  /** A trial's own improvements, rebuilt only when its standing rows, the metric or the mode change. */
  private bestRunOf(trialId: string, points: PointColumns, metric: string, mode: 'min' | 'max'): BestRun | undefined {
    const current = this.cache.split(trialId, points).current;
    const scope = this.ui.scope;
    const key = `${metric}\u0000${mode}\u0000${scope}`;
    let entry = this.bestRuns.get(trialId);
    if (!entry || entry.source !== current || entry.key !== key) {
      entry = { source: current, key, run: scope === 'all' ? bestRun(trialId, points, current, metric, mode) : lastRun(trialId, points, current, metric) };
      this.bestRuns.set(trialId, entry);
    }
    return entry.run;
  }

  // ---- rendering -----------------------------------------------------------------

  /** The trials the table's filters and the parallel axes' brushes keep: every chart shows these (issue 15). */
  private shownTrials(): TrialSummary[] {
    return filterTrials(this.data.trialList(), this.columns(), this.ui.query);
  }

  private renderCurves(): void {
    const trials = this.shownTrials();
    const metric = this.metric();
    const selection = new Set(this.selection.ids);
    const plan = planCurves(
      { trials, points: this.data.points, metric, axis: this.ui.xAxis, selection, bestId: this.bestId(metric, trials), hoverId: this.curves.hoverId, yLog: this.ui.yScale === 'log', smoothing: this.ui.smoothing },
      this.cache,
    );
    this.curves.render(plan, metric, this.ui.xAxis, selection.size > 0, this.ui.yScale === 'log');
  }

  private renderFast(): void {
    const experiment = this.data.experiment;
    if (!experiment) return;
    this.renders.fast++;
    if (this.data.takeChanges().reset) this.cache.retain(new Set(this.data.trials.keys()));
    this.toolbar.render(this.metricNames(), this.judgedMetric());
    this.renderCurves();
    this.renderHeader();
  }

  private renderSlow(): void {
    const experiment = this.data.experiment;
    if (!experiment) return;
    this.renders.slow++;
    const trials = this.data.trialList();
    const metric = this.metric();
    const selection = new Set(this.selection.ids);
    const bestId = this.bestId(metric, trials);
    // Charts first: the table's column labels come from the parameter axes they build.
    this.renderCharts(experiment, trials, metric, selection, bestId);
    const columns = this.columns();
    const shownColumns = visibleColumns(columns, this.ui.hiddenColumns);
    this.table.render(shownColumns, tableRows(trials, columns, this.ui.query), this.ui.query, selection, bestId, trials.length, columns, this.ui.hiddenColumns);
    const compared = this.selection.ids.map((id) => this.data.trials.get(id)).filter((t): t is TrialSummary => t !== undefined);
    this.compareCard.hidden = !this.compareOpen || compared.length < 2;
    if (!this.compareCard.hidden) this.compare.render(compared, this.ui.differencesOnly);
  }

  private renderHeader(): void {
    const experiment = this.data.experiment;
    if (!experiment) return;
    const metric = this.metric();
    const found = this.bestUnderScope(metric, this.data.trialList());
    const best = found ? { ...found, metric, scope: this.ui.scope } : undefined;
    const unjudged = this.judgedMetric() === undefined && this.metricNames().length > 0;
    const loading = this.data.pendingHistories > 0 ? `loading metric histories (${this.data.pendingHistories} left)` : undefined;
    this.header.render(headerStats(experiment, this.timeline, this.data.now(performance.now()), best), this.notice ?? loading, unjudged);
  }

  private renderCharts(experiment: DashboardExperiment, trials: TrialSummary[], metric: string, selection: ReadonlySet<string>, bestId: string | undefined): void {
    const live = experiment.summary.live && experiment.summary.state === 'running';
    const now = this.data.now(performance.now());
    const mode = this.mode(metric);
    const shown = filterTrials(trials, this.columns(), this.ui.query);
    const runs: BestRun[] = [];
    for (const t of shown) {
      const run = this.runOf(t.id, metric, mode);
      if (run) runs.push(run);
    }
    this.best.render(bestSoFar(runs, mode, experiment.summary.startedAt, now), metric, mode, this.ui.scope);
    this.timeline = buildTimeline(this.data.timeline, experiment.capacity, live ? now : undefined);
    this.timelineView.render(this.timeline);
    // Axes span every trial, so a brush does not rescale them; lines are the shown trials'.
    this.parallelData = parallelPlan(experiment.paramSpace, trials, metric);
    const kept = new Set(shown.map((t) => t.id));
    const brushes = this.ui.query.ranges;
    this.parallel.render({ ...this.parallelData, lines: this.parallelData.lines.filter((l) => kept.has(l.trialId)) }, selection, bestId, mode, (axisKey) => brushes.find((r) => r.key === columnKeyOfAxis(axisKey)));
    const params = this.parallelData.axes.slice(0, -1);
    const axis = params.find((a) => a.key === this.ui.scatterParam) ?? params[0];
    setOptions(this.scatterPicker, params.map((a) => ({ value: a.key, label: a.label })), axis?.key ?? '');
    this.scatter.render(axis, axis ? scatterPoints(axis, shown, metric) : [], metric, selection, bestId);
    const rated = shown.filter((t) => typeof t.metrics[metric] === 'number').length;
    this.importance.render(paramImportance(params, shown, metric), metric, rated);
  }

  private renderAll(): void {
    this.renderFast();
    this.renderSlow();
  }

  private columns() {
    const params = this.parallelData.axes.length
      ? this.parallelData.axes.slice(0, -1).map((a) => a.key)
      : [...new Set(this.data.trialList().flatMap((t) => t.params.map((p) => p.path)))];
    const label = (path: string) => this.parallelData.axes.find((a) => a.key === path)?.label ?? path;
    return tableColumns(params, this.metricNames(), label);
  }

  // ---- state changes ---------------------------------------------------------------

  private select(id: string, gesture: SelectGesture): void {
    this.setSelection(select(this.selection, id, gesture, this.table.visibleOrder()));
  }

  private setSelection(selection: Selection): void {
    this.selection = selection;
    this.ui = { ...this.ui, selection: [...selection.ids] };
    this.saveState();
    this.renderAll();
  }

  /** A brush on a parallel axis is a range filter on its table column; an empty brush removes it. */
  private brush(axisKey: string, range: { min: number; max: number } | { values: string[] } | undefined): void {
    const key = columnKeyOfAxis(axisKey);
    const ranges = this.ui.query.ranges.filter((r) => r.key !== key);
    this.setQuery({ ...this.ui.query, ranges: range ? [...ranges, { key, ...range }] : ranges });
  }

  private setQuery(query: TableQuery): void {
    this.updateUi({ query });
  }

  private updateUi(patch: Partial<UiState>): void {
    this.ui = { ...this.ui, ...patch };
    this.saveState();
    this.renderAll();
  }

  private setPalette(palette: Palette): void {
    this.palette = palette;
    applyDefaults(palette);
    for (const view of [this.curves, this.best, this.timelineView, this.parallel, this.scatter, this.importance]) view.setPalette(palette);
    this.renderAll();
  }

  private saveState(): void {
    if (this.experimentPath) this.host.saveState({ experimentPath: this.experimentPath, ui: this.ui });
  }

  // ---- exports -----------------------------------------------------------------------

  private baseName(): string {
    return (this.data.experiment?.summary.name ?? 'experiment').replace(/[^\w.-]+/g, '_');
  }

  private exportCsv(): void {
    const columns = this.columns();
    const rows = tableRows(this.data.trialList(), columns, this.ui.query);
    this.host.post({ type: 'saveFile', requestId: this.nextRequest++, kind: 'csv', suggestedName: `${this.baseName()}-trials.csv`, data: toCsv(visibleColumns(columns, this.ui.hiddenColumns), rows) });
  }

  private exportPng(name: string, canvas: HTMLCanvasElement): void {
    this.host.post({ type: 'saveFile', requestId: this.nextRequest++, kind: 'png', suggestedName: `${this.baseName()}-${name}.png`, data: chartPng(canvas, this.palette.background) });
  }
}
