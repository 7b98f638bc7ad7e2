/**
 * The package's public surface (package.json `main`, `exports`, `types`): a run in-process, a
 * live run whose size changes while it runs, a capacity search, the config a run resolves, a
 * scenario's check, the results' compare and merge, and the trend over a history of runs, with
 * their types. This is the one file that passes names along: everything else imports from the
 * defining file.
 */
export { run } from './run/run';
export { aggregate, type AggregateOptions } from './run/aggregate';
export { startLiveRun, type LiveEnd, type LiveRun, type LiveRunOptions, type StepWindow } from './run/live-run';
export { capacity, type CapacityResult } from './capacity/capacity';
export type { CapacityHooks, CapacityOptions, CapacitySettings } from './capacity/options';
export { capacityExitCode, type CapacityOutcome, type CapacityReport } from './capacity/report';
export type { CapacityStep } from './capacity/steps';
export type { ActionFigures, GeneratorFigures, GeneratorLimits, LimitHit, SloResult } from './capacity/judge';
export { resolveRunConfig, type RunConfig } from './run/config';
export { validateScenario, type ScenarioObject } from './run/load-scenario';
export { compare, merge } from './run/results-input';
export { exitCodeOf, type RunReason, type RunResult } from './run/results';
export { ExitCode, RunOptionError, UsageError } from './run/exit-codes';
export { NotConfirmed, type ConfirmQuestion } from './run/staging-safety';
export type { RunHooks, RunNotice, RunOptions, RunProgress, RunSettings } from './run/options';
export { ScenarioError } from './scenario/load-errors';
export type { Scenario } from './scenario/types';
export type { Summary } from './report/summary';
export type { ThresholdResult } from './report/thresholds';
export type { Comparison, ComparisonRow, CompareOptions, CompareSettings } from './report/compare';
export { trend, TrendError, type TrendChange, type TrendOptions, type TrendReport, type TrendRun, type TrendSeriesResult } from './trend/trend';
export { renderTrendPage } from './trend/page';
export type { HistoryEntry, HistorySettings } from './report/history-entry';
