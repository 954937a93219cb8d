import type { ReferenceInfo } from '../reference-app/types.ts';
import type { SecurityConfigInput } from './config.ts';

/**
 * The security section for the bundled reference platform: the same mapping a team writes for its own
 * platform (pages, TLS endpoint, CA, lockfile, advisory source), filled from what the running app reports.
 */
export function securityReferenceConfig(info: ReferenceInfo): SecurityConfigInput {
  return {
    headers: { pages: ['/login'], apiPath: '/api/auth/me', errorPath: '/gonogo-missing-page-404' },
    tls: { endpoint: `${info.host}:${info.port}`, caFile: info.caFile, httpUrl: new URL('/', info.httpUrl).href },
    deps: { lockfiles: [info.lockfile], source: { kind: 'osv-dir', path: info.osvDb } },
  };
}
