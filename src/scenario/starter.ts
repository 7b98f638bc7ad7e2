import { schemaComment } from './editor-schema';

/**
 * What `ocpp-fleet init` writes: a small mixed fleet against the embedded CSMS, every line a
 * user is likely to change next explained where it stands. A unit test loads it as the loader
 * does, so it cannot drift from what `run` accepts.
 */
export function starterScenario(name: string, schemaRef: string): string {
  return `${schemaComment(schemaRef)}
# ${name}: a starting point. Run it with \`ocpp-fleet run <this file>\` (the embedded CSMS), or
# against yours with \`--url ws://host:port/path\`; \`ocpp-fleet validate <this file>\` prints
# its plan without connecting. Every field: scenarios/README.md in the package.
name: ${name}
description: 20 charge points (half OCPP 1.6J, half 2.0.1) booting, heartbeating and charging for 1 minute
# How long the fleet runs once started (250ms, 90s, 10m, 1h); --duration overrides it.
duration: 1m
# The same seed gives the same identities, arrivals and payloads: runs you can compare.
seed: 1
# A call not answered within this counts as a timeout.
callTimeout: 10s
# At the end, sessions are stopped and answers awaited for at most this long.
gracefulStop: 10s

# Pass or fail (exit 1), judged at the end: metric, comparison, limit.
thresholds:
  - "BootNotification.p99 < 1s"
  - "errors.rate < 1%"

groups:
  - name: cp16
    count: 10                        # stations in this group (--cps scales every group)
    ocpp: "1.6"                      # "1.6", "2.0.1" or "2.1" (quoted: 1.6 unquoted is a number)
    connectors: 2
    identity: "CP16-{index:04}"      # the station's id in the URL: CP16-0001, CP16-0002, …
    ramp: 10/s                       # how fast they connect: 10/s, 600/m, or all
    heartbeatInterval: 30s           # leave out to use the interval the CSMS gives at boot
    sessions:
      idle: 5s                       # mean time between sessions on a connector
      duration: 20s                  # how long a car charges
      meterInterval: 5s              # MeterValues while charging
      powerKw: 11
  - name: cs201
    count: 10
    ocpp: "2.0.1"
    connectors: 2
    identity: "CS201-{index:04}"
    ramp: 10/s
    heartbeatInterval: 30s
    sessions:
      idle: 5s
      duration: 20s
      meterInterval: 5s
      powerKw: 22
`;
}
