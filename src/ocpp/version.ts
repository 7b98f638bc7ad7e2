/** The OCPP versions a station or the embedded CSMS can speak, and their OCPP-J subprotocols. */
export type OcppVersion = '1.6' | '2.0.1' | '2.1';

export const OCPP_VERSIONS: readonly OcppVersion[] = ['1.6', '2.0.1', '2.1'];

const SUBPROTOCOLS: Readonly<Record<OcppVersion, string>> = {
  '1.6': 'ocpp1.6',
  '2.0.1': 'ocpp2.0.1',
  '2.1': 'ocpp2.1',
};

export function subprotocolOf(version: OcppVersion): string {
  return SUBPROTOCOLS[version];
}

export function versionOfSubprotocol(protocol: string): OcppVersion | undefined {
  if (protocol === 'ocpp1.6') return '1.6';
  if (protocol === 'ocpp2.0.1') return '2.0.1';
  if (protocol === 'ocpp2.1') return '2.1';
  return undefined;
}

export function isOcppVersion(value: unknown): value is OcppVersion {
  return value === '1.6' || value === '2.0.1' || value === '2.1';
}
