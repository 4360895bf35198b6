/**
 * A throwaway certificate authority for TLS tests (openssl, argv only): one CA, and certificates
 * it signs for a server address and for a client. Files live in a directory dispose() removes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';

export interface CertFiles {
  certFile: string;
  keyFile: string;
}

export class TestCa {
  private constructor(readonly dir: string) {}

  get caFile(): string {
    return join(this.dir, 'ca.pem');
  }

  static async create(): Promise<TestCa> {
    const ca = new TestCa(await mkdtemp(join(tmpdir(), 'conet-tls-')));
    try {
      await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(ca.dir, 'ca.key'), '-out', ca.caFile, '-days', '1', '-subj', '/CN=conet-test-ca']);
      return ca;
    } catch (error) {
      await ca.dispose();
      throw error;
    }
  }

  /** A certificate for `name`, valid for the IP addresses given (server and client use). */
  async issue(name: string, addresses: readonly string[] = []): Promise<CertFiles> {
    const keyFile = join(this.dir, `${name}.key`);
    const csr = join(this.dir, `${name}.csr`);
    const certFile = join(this.dir, `${name}.pem`);
    const ext = join(this.dir, `${name}.ext`);
    const san = addresses.length > 0 ? `subjectAltName=${addresses.map((address) => `IP:${address}`).join(',')}\n` : '';
    await writeFile(ext, `${san}extendedKeyUsage=serverAuth,clientAuth\n`);
    await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${name}`]);
    await openssl(['x509', '-req', '-in', csr, '-CA', this.caFile, '-CAkey', join(this.dir, 'ca.key'), '-CAcreateserial', '-out', certFile, '-days', '1', '-extfile', ext]);
    return { certFile, keyFile };
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function openssl(args: readonly string[]): Promise<void> {
  await run(['openssl', ...args], { timeoutMs: 20_000 });
}
