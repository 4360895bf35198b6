/** FakeKernel against the kernel contract the Linux adapters pass (test/kernel/kernel-contract.test.ts). */
import { kernelContract } from '../kernel.contract.js';
import { FakeKernel } from './fake-kernel.js';

kernelContract('fake', { kernel: async () => new FakeKernel(), prefix: 'conet-u' });
