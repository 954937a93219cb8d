import { z } from 'zod';

/** Where the verification mail is read; docs/config.md has an example of each kind. */
export const Mailbox = z.discriminatedUnion('kind', [
  /** gonogo's own SMTP sink on host:port (default: a free loopback port); `apiUrl` is set by gonogo when it runs the sink itself. */
  z
    .object({
      kind: z.literal('smtp-sink'),
      host: z.string().min(1).optional(),
      port: z.number().int().min(1).max(65535).optional(),
      apiUrl: z.url().optional(),
    })
    .strict()
    .refine(
      (m) => !(m.apiUrl && (m.host || m.port)),
      'apiUrl names a sink that is already running; host and port are for the sink gonogo starts: set one or the other',
    ),
  z.object({ kind: z.literal('mailpit'), url: z.url() }).strict(),
  /** MailHog's API v2 (`/api/v2/search`). */
  z.object({ kind: z.literal('mailhog'), url: z.url() }).strict(),
  /** A Maildir (new/ and cur/); relative to the config file. */
  z.object({ kind: z.literal('maildir'), path: z.string().min(1) }).strict(),
  /** A folder of .eml files, or of the .log files Django's file backend writes; relative to the config file. */
  z.object({ kind: z.literal('eml-dir'), path: z.string().min(1) }).strict(),
]);
export type MailboxConfig = z.infer<typeof Mailbox>;
