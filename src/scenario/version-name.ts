/**
 * The OCPP versions a scenario may name. Kept here rather than imported from the protocol layer:
 * the scenario layer is a leaf (ARCHITECTURE.md), and a test keeps both lists equal.
 */
export type OcppVersionName = '1.6' | '2.0.1' | '2.1';
export const OCPP_VERSION_NAMES: readonly OcppVersionName[] = ['1.6', '2.0.1', '2.1'];
