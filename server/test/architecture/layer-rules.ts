// The layering of server/src (ARCHITECTURE.md, convention 2), as data for check-layers.ts. Dependencies point one
// way: http > protocol > auth > the domains (services/*, rotation, audit) > access > {store, crypto, iam}, with
// errors/ below everyone. Every top-level folder and every file directly under src/ has a rule; a new one fails the
// test until it is given one here.
import type { LayerRules } from './check-layers.ts';

/** What a domain (a service, rotation, audit) may import besides its own folder and other domains' service modules. */
const DOMAIN = ['access', 'store', 'crypto', 'iam', 'errors'];

export const COFFER_LAYERS: LayerRules = {
  folders: {
    // The bottom: imports nothing of ours, so every layer may import it.
    errors: [],
    // Logs and metrics (pino, prom-client): imports nothing of ours; the HTTP layer's request observer feeds it,
    // and the composition root wires the domains' hooks into it.
    observability: [],
    // Pure libraries (ARCHITECTURE.md: iam/ and crypto/ import nothing of ours).
    iam: [],
    crypto: [],
    // SQL only; errors for the constraint violations it reports.
    store: ['errors'],
    // The authorizer every domain calls: policies through iam/, principals and policies through store/.
    access: ['iam', 'store', 'errors'],
    services: DOMAIN,
    // rotation reads who used a version from the audit trail (types only; app.ts passes the trail's reads)
    rotation: ['services', 'audit', ...DOMAIN],
    audit: DOMAIN,
    // The change feed: reads the audit trail, asks Secrets Manager who may know of each change.
    changes: ['services', 'audit', ...DOMAIN],
    // Authentication: SigV4 and access keys (read through store/); never protocol/ or a domain.
    auth: ['errors', 'crypto', 'store'],
    // Routing, decoding, validation, the pipeline's steps; it calls the domains through handlers app.ts gives it.
    protocol: ['auth', 'errors'],
    http: ['protocol', 'auth', 'errors', 'observability'],
  },
  rootGroups: {
    // The composition root and the process entries (the server, backup and restore): they build everything, so
    // they may import anything.
    composition: { files: ['app.ts', 'main.ts', 'index.ts', 'backup.ts', 'restore.ts'], imports: '*' },
    // Configuration and file locations: read by the composition root, import nothing of ours.
    config: { files: ['config.ts', 'paths.ts'], imports: [] },
    // Start-up checks and the root key (the installation's first credential, rotating and following the root
    // key): a domain like the others, whose api file is the root key's handler.
    'root-key': { files: ['bootstrap.ts', 'root-key-rotation.ts', 'root-key-follower.ts', 'root-key-api.ts'], imports: DOMAIN },
  },
  // One domain reaches another only through its service object; the composition root is exempt (it wires internals).
  domains: {
    'services/secretsmanager': 'secret-service.ts',
    'services/kms': 'key-service.ts',
    'services/admin': 'admin-service.ts',
    'services/sts': 'sts-service.ts',
    rotation: 'index.ts',
    audit: 'audit-trail.ts',
    changes: 'change-feed.ts',
  },
  typePorts: [
    // A domain's api.ts is the protocol's adapter for it: it takes the pipeline's Handler type. The audit trail
    // implements the pipeline's AuditSink and stores its AuditRecord. Types only: nothing of protocol/ runs there.
    { module: 'protocol/pipeline.ts', importers: /(^|\/|-)api\.ts$|^audit\// },
  ],
};
