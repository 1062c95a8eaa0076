/** Capture stage: packet sources (pcap, pcapng, live libpcap). */
export * from './types.js';
export { openCaptureFile, openCaptureStream, type OpenCaptureOptions, type OpenStreamOptions } from './open.js';
export { detectFormat, type CaptureFormat } from './input.js';
export {
  openLiveCapture,
  linkTypeFromCap,
  permissionMessage,
  CAP_SNAPLEN,
  type LiveCaptureOptions,
  type LiveCaptureSource,
  type LiveStats,
} from './live.js';
export {
  listInterfaces,
  formatInterfaces,
  loadCap,
  CAP_MISSING_MESSAGE,
  type InterfaceInfo,
} from './cap-binding.js';
export { openEngineCapture, resolveEngine, AUTO_ORDER, CAPTURE_ENGINES, type CaptureEngine, type CaptureEngineChoice } from './engine.js';
export { findProgram, parseStderrStats, classifyFailure, openExternalCapture, type ExternalEngine } from './external.js';
