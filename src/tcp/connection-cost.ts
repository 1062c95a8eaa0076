/** Bytes charged to the global memory budget per open connection: its TCP and TLS state as
 * measured on a SYN flood (TCP 1.8 KB, TLS 3.0 KB per connection with Node 20), rounded up. */
export const CONNECTION_COST = 5 * 1024;
