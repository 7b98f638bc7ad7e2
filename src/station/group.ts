import type { GroupConfig } from '../thread/messages';

/**
 * What stations of one fleet group share: read-only settings, one copy per worker. It is the
 * group as the coordinator sends it; the alias names the role it plays here.
 */
export type StationGroup = GroupConfig;
