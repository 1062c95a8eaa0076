/** Bytes charged to the global memory budget per open connection: its TCP and TLS state as
 * measured with Node 20 (V8 heap after GC): 4.8 KB for a SYN-only connection, 8.0 KB for one that
 * sent a ClientHello (TLS facts, the decoded hello, the transcript). The larger figure is charged. */
export const CONNECTION_COST = 8 * 1024;
