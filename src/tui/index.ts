/**
 * The terminal UI (blessed / blessed-contrib). `TuiApp` is fed connections incrementally by file
 * loading (src/cli/tui-launch.ts) and live capture alike.
 */
export { TuiApp, type TuiOptions } from './app.js';
export type { ProgressInfo } from './view-model/progress.js';
export type { StatusLevel } from './view-model/header.js';
