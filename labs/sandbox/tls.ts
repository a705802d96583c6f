/**
 * The sandbox's HTTPS certificate: made once on first start (self-signed, for 127.0.0.1 and
 * localhost) and kept in the state folder, so clients can trust it with
 * `NODE_EXTRA_CA_CERTS=<state folder>/cert.pem`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { stateFiles } from './config.ts';
import { writeFileAtomic } from './store.ts';

export interface SandboxCertificate {
  certPath: string;
  cert: string;
  key: string;
}

const VALID_DAYS = 825;

/** Loads the certificate from `stateDir`, generating it first if it is not there yet. */
export async function ensureCertificate(stateDir: string): Promise<SandboxCertificate> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const certPath = join(stateDir, stateFiles.cert);
  const keyPath = join(stateDir, stateFiles.key);
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALID_DAYS * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  // The key first: a certificate without its key is regenerated on the next start.
  writeFileAtomic(keyPath, pems.private, 0o600);
  writeFileAtomic(certPath, pems.cert, 0o644);
  return { certPath, cert: pems.cert, key: pems.private };
}
