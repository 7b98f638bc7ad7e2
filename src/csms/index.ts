/** The embedded CSMS: in this process (`startCsmsServer`) or in a child process (`startEmbeddedCsms`). */
export { startCsmsServer, type CsmsServer } from './server';
export { startEmbeddedCsms, type EmbeddedCsms, type EmbeddedCsmsOptions } from './child';
export { CsmsRequestError, type CsmsCallResult } from './calls';
export { BOOT_STATUSES, CSMS_DEFAULTS, type BootStatus, type CsmsOptions } from './options';
export { formatStats, type CsmsStats, type IncomingCounts, type OutgoingCounts } from './stats';
export type { ServiceQueueStats } from './service-queue';
export { isInvalidTag, FLEET_VENDOR_ID, INVALID_TAG_PREFIX } from './handlers-common';
