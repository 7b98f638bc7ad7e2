/**
 * A station's settings when its group leaves them out (GroupConfig in thread/messages.ts names
 * them): kept beside the station that applies them, not in the thread messages that carry groups.
 */

/** Periodic WebSocket ping of a station when the group does not say (see GroupConfig.pingIntervalMs). */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
/**
 * Largest frame a station accepts when the group does not say. OCPP messages a station receives are
 * small (the largest, a full SendLocalList or SetChargingProfile, stay far below); ws's own
 * default of 100 MiB would let one CSMS frame cost each station that much memory.
 */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
