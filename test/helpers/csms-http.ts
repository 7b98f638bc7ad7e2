import { request } from 'node:http';

/** One HTTP request to the CSMS admin API; resolves with the status and the parsed JSON body. */
export function httpJson(
  port: number,
  method: string,
  path: string,
  body?: string | object,
): Promise<{ status: number; body: unknown }> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = raw;
        try {
          parsed = JSON.parse(raw);
        } catch {
          // Left as text: the test will say what it got.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}
