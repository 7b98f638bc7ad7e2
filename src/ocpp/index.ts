/** The OCPP-J protocol layer: framing, ids, CALLERROR codes, schema validation, the call/answer session. */
export * from './version';
export * from './error-codes';
export * from './error-kinds';
export * from './never-sent';
export * from './frame';
export * from './actions';
export * from './schemas';
export * from './session';
