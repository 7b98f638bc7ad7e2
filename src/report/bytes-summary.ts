/**
 * summary.json's bytes: what OCPP carried (the frames' text) and what the connections put on the
 * wire, in all and per planned station per day at the run's rates.
 */
export interface ByteCounts {
  sent: number;
  received: number;
}

/**
 * A run's (or a group's) bytes: what OCPP carried (the frames' text, every exchange, both ways)
 * and what the connections' sockets counted on the wire (the upgrade, WebSocket framing,
 * compression included, over wss:// not TLS's own bytes; counted as each connection closed), with both per planned
 * station per day at the run's rates (its boot and ramp included).
 */
export interface BytesSummary extends ByteCounts {
  wire: ByteCounts;
  perStationPerDay: { sent: number; received: number; wireSent: number; wireReceived: number };
}

/** Bytes per planned station per day at the run's rates; 0 for an empty fleet or an instant run. */
function perStationPerDay(bytes: number, stations: number, durationMs: number): number {
  return stations > 0 && durationMs > 0 ? Math.round((bytes / stations) * (86_400_000 / durationMs)) : 0;
}

/** A run's or a group's bytes from its actions', its incoming calls' and its connections' counts. */
export function bytesSummary(exchanges: readonly ByteCounts[], wire: ByteCounts, stations: number, durationMs: number): BytesSummary {
  const sent = exchanges.reduce((n, b) => n + b.sent, 0);
  const received = exchanges.reduce((n, b) => n + b.received, 0);
  return {
    sent,
    received,
    wire,
    perStationPerDay: {
      sent: perStationPerDay(sent, stations, durationMs),
      received: perStationPerDay(received, stations, durationMs),
      wireSent: perStationPerDay(wire.sent, stations, durationMs),
      wireReceived: perStationPerDay(wire.received, stations, durationMs),
    },
  };
}
