import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { hashString, nextRandom } from '../scenario/random';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { ocmfPayload, ocmfString, signOcmfPayload, type OcmfSource, type OcmfTx } from './ocmf';

/** The meter vendor a virtual meter reports (OCMF MV). */
const METER_VENDOR = 'ocpp-fleet';

/**
 * The signing meters of one station (one per connector or EVSE) in a group with
 * `signedMeterValues`: one ECDSA P-256 key pair for the station, made on first use (it costs
 * ~0.1 ms and ~1 KB, so a fleet that never signs never pays), pagination counted per meter, and
 * the tampering decided from a stream of the station's own, so the same seed tampers the same
 * readings whatever else the station draws.
 */
export class OcmfMeter {
  private keys: { readonly privateKey: KeyObject; readonly publicDer: Buffer } | undefined;
  private readonly pages: Uint32Array;
  private rng: number;
  private readonly tamperShare: number;
  private hexKey = '';
  private base64Key = '';

  constructor(
    private readonly identity: string,
    private readonly group: StationGroup,
    private readonly ctx: StationContext,
    seed: number,
  ) {
    this.pages = new Uint32Array(group.connectors + 1);
    this.rng = hashString('ocmf-tamper', seed >>> 0) || 1;
    this.tamperShare = group.signedMeterValues?.tamperShare ?? 0;
  }

  private keyPair(): { readonly privateKey: KeyObject; readonly publicDer: Buffer } {
    if (this.keys === undefined) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      this.keys = { privateKey, publicDer: publicKey.export({ format: 'der', type: 'spki' }) };
    }
    return this.keys;
  }

  /** The public key as hex of its SubjectPublicKeyInfo DER (1.6 setMeterConfiguration). */
  get publicKeyHex(): string {
    if (this.hexKey === '') this.hexKey = this.keyPair().publicDer.toString('hex');
    return this.hexKey;
  }

  /** The same key in base64 (2.0.1 SignedMeterValueType.publicKey, at most 2,500 characters). */
  get publicKeyBase64(): string {
    if (this.base64Key === '') this.base64Key = this.keyPair().publicDer.toString('base64');
    return this.base64Key;
  }

  /** OCMF MS of connector `connectorId`'s meter. */
  meterSerial(connectorId: number): string {
    return `${this.identity.slice(-22)}-${connectorId}`;
  }

  /**
   * The OCMF string for `wh` read on connector `connectorId` at `isoTime`, counted as sent; a
   * tampered one carries another reading than the one signed.
   */
  sign(connectorId: number, wh: number, isoTime: string, tx: OcmfTx | undefined, idTag: string | undefined): string {
    const { privateKey } = this.keyPair();
    const page = ++this.pages[connectorId];
    const src: OcmfSource = {
      gatewayId: `${this.group.vendor} ${this.group.model}`,
      gatewaySerial: this.identity.slice(-25),
      gatewayVersion: this.group.firmware,
      meterVendor: METER_VENDOR,
      meterSerial: this.meterSerial(connectorId),
    };
    const reading = { pagination: `${tx === undefined ? 'F' : 'T'}${page}`, isoTime, tx, idTag, wh };
    const payload = ocmfPayload(src, reading);
    const signature = signOcmfPayload(payload, privateKey);
    this.ctx.count(this.group, 'signedMeterValues');
    if (this.tamperShare > 0) {
      const r = nextRandom(this.rng);
      this.rng = r.state;
      if (r.value < this.tamperShare) {
        this.ctx.count(this.group, 'tamperedMeterValues');
        // A reading changed after signing: one more Wh than was signed.
        return ocmfString(ocmfPayload(src, { ...reading, wh: wh + 1 }), signature);
      }
    }
    return ocmfString(payload, signature);
  }
}
