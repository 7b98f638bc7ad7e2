import type { KeyObject } from 'node:crypto';
import { p256KeyFromDer } from './ocmf-verify';

/** The DataTransfer by which a 1.6 station declares its meters' public keys (see version-16.ts). */
export const METER_CONFIGURATION = { vendorId: 'generalConfiguration', messageId: 'setMeterConfiguration' } as const;

/**
 * The meter keys the CSMS knows for one station. 1.6: declared per connector in a DataTransfer
 * `setMeterConfiguration` (`{"meters":[{"connectorId":1,"publicKey":"<hex of the DER>"}]}`), and
 * the connector of each transaction, since a StopTransaction does not name it. 2.0.1: each signed
 * value carries its key; the last one parsed is kept, as a station sends the same key every time.
 */
export class MeterKeys {
  private readonly byConnector = new Map<number, KeyObject>();
  private readonly txConnector = new Map<number, number>();
  private lastText = '';
  private lastKey: KeyObject | undefined;

  /** Take the keys of a setMeterConfiguration's data; false when it is not one. */
  declare16(data: unknown): boolean {
    let parsed: unknown;
    try {
      parsed = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      return false;
    }
    const meters = (parsed as { meters?: unknown } | undefined)?.meters;
    if (!Array.isArray(meters) || meters.length === 0) return false;
    const keys: [number, KeyObject][] = [];
    for (const m of meters as { connectorId?: unknown; publicKey?: unknown }[]) {
      if (typeof m !== 'object' || m === null || !Number.isInteger(m.connectorId) || typeof m.publicKey !== 'string') return false;
      if (!/^(?:[0-9a-fA-F]{2})+$/.test(m.publicKey)) return false;
      const key = p256KeyFromDer(Buffer.from(m.publicKey, 'hex'));
      if (key === undefined) return false;
      keys.push([m.connectorId as number, key]);
    }
    for (const [connectorId, key] of keys) this.byConnector.set(connectorId, key);
    return true;
  }

  key16(connectorId: number): KeyObject | undefined {
    return this.byConnector.get(connectorId);
  }

  started16(transactionId: number, connectorId: number): void {
    this.txConnector.set(transactionId, connectorId);
  }

  /** The key of a stopped transaction's connector (forgotten with it). */
  stopped16(transactionId: number): KeyObject | undefined {
    const connectorId = this.txConnector.get(transactionId);
    this.txConnector.delete(transactionId);
    return connectorId === undefined ? undefined : this.byConnector.get(connectorId);
  }

  /** 2.0.1: the key of a SignedMeterValueType.publicKey (base64 of the DER; hex is taken too). */
  key201(text: string): KeyObject | undefined {
    if (text === this.lastText) return this.lastKey;
    const der = /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    this.lastText = text;
    this.lastKey = text === '' ? undefined : p256KeyFromDer(der);
    return this.lastKey;
  }
}
