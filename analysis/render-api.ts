/**
 * `stochgrad/charts`: the chart renderer and the record readers, for a user's own records.
 * A chart is plain data (`ChartSpec`: axes with units, series, optional log scales); `renderChart`
 * draws it to `<base>.png`, `<base>.svg` and `<base>.csv` with Chart.js on @napi-rs/canvas, as
 * every figure of `stochgrad verify` is drawn. `chartSpecFromJSON` checks a spec read from a file
 * in full; `prepareRender` rebuilds any record the CLI writes (figure, comparison, claims).
 *
 * @example
 * import { renderChart } from "stochgrad/charts";
 * renderChart({ title: "MSE against N", x: { label: "samples N", log: true }, y: { label: "MSE (gradient units²)", log: true },
 *   series: [{ label: "mine", points: [[10, 1], [100, 0.1], [1000, 0.01]] }] }, "out/mse");
 */
export { renderChart, chartCsv, toChartConfig, chartSpecFromJSON, PALETTE, MAX_CHART_PIXELS, MAX_CHART_VALUES, type ChartSpec, type AxisSpec, type SeriesSpec, type ImageGridSpec } from "./charts.js";
export { figureRecordFromJSON, requireSafeName } from "./figures/record.js";
export { renderRecord } from "./figures/runner.js";
export type { FigureRecord } from "./figures/types.js";
export { comparisonCharts, comparisonTitle, type ComparisonRecord, type EstimatorComparison } from "./compare.js";
export { comparisonRecordFromJSON } from "./comparison-record.js";
export { claimsRecordFromJSON } from "./claims-record.js";
export type { ClaimsRecord } from "./report.js";
export { prepareRender, renderCharts, RECORD_KINDS, type RecordKind } from "./records.js";
export { reportHtml, type HtmlFigure } from "./report-html.js";
