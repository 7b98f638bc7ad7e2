/**
 * A day at 60 times the pace: a 1 min meter interval and 60 s heartbeats come every second (both
 * versions; sessions-run's dry run and the serial rate test).
 */
export const SCALED = `
name: sessions-scaled
duration: 8s
seed: 9
timeScale: 60
callTimeout: 5s
# Short, so that the end-of-run stops (spread over half of it) barely lengthen the sessions.
gracefulStop: 1s
groups:
  - name: old
    count: 10
    ocpp: "1.6"
    ramp: all
    heartbeatInterval: 60s
    sessions: {idle: 1s, duration: 2h, meterInterval: 1m, powerKw: 11}
  - name: new
    count: 10
    ocpp: "2.0.1"
    ramp: all
    heartbeatInterval: 60s
    sessions: {idle: 1s, duration: 2h, meterInterval: 1m, powerKw: 11, evCapacityKwh: 80, measurands: [Energy.Active.Import.Register, Power.Active.Import, Current.Import, Voltage, SoC]}
`;
