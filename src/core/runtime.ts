// Which JavaScript runtime we are in, and what it allows (shared memory, blocking waits), without Node-only imports.

export type RuntimeName = 'node' | 'deno' | 'bun' | 'browser' | 'workerd' | 'unknown';

const g = globalThis as unknown as {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: { node?: string } };
  navigator?: { userAgent?: string };
  document?: unknown;
  WorkerGlobalScope?: unknown;
  crossOriginIsolated?: boolean;
};

/** The runtime and its version as the runtime reports it (navigator.userAgent for browsers). */
export function detectRuntime(): { name: RuntimeName; version: string } {
  if (g.Deno?.version?.deno) return { name: 'deno', version: g.Deno.version.deno };
  if (g.Bun?.version) return { name: 'bun', version: g.Bun.version };
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return { name: 'workerd', version: '' };
  if (g.process?.versions?.node && g.document === undefined) return { name: 'node', version: g.process.versions.node };
  if (g.document !== undefined || g.WorkerGlobalScope !== undefined) return { name: 'browser', version: g.navigator?.userAgent ?? '' };
  return { name: 'unknown', version: '' };
}

/** Shared WebAssembly memory can be created and handed to workers (a browser page must be cross-origin isolated). */
export function sharedMemoryAllowed(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  if (g.crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
    return true;
  } catch {
    return false;
  }
}

let blocking: boolean | null = null;

/** Atomics.wait may block this thread (false on a browser's main thread, where waiting must spin). */
export function canBlock(): boolean {
  if (blocking === null) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}
