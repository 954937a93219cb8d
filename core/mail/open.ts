import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { MailboxConfig } from './config.ts';
import type { MailboxSpec } from './mailbox.ts';

export interface OpenMailbox {
  spec: MailboxSpec;
  stop(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Turns `smoke.mailbox` into what the suite reads: starts gonogo's sink where it is told to listen (unless
 * `apiUrl` names one already running) and resolves folders against the config file's directory.
 */
export async function openMailbox(
  m: MailboxConfig,
  configDir: string,
  info: (message: string) => void,
): Promise<OpenMailbox> {
  const none = async () => {};
  switch (m.kind) {
    case 'mailpit':
    case 'mailhog':
      return { spec: { kind: m.kind, url: m.url.replace(/\/+$/, '') }, stop: none };
    case 'maildir':
    case 'eml-dir':
      return { spec: { kind: m.kind, path: resolve(configDir, m.path) }, stop: none };
    case 'smtp-sink': {
      if (m.apiUrl) return { spec: { kind: 'smtp-sink', url: m.apiUrl.replace(/\/+$/, '') }, stop: none };
      const host = m.host ?? '127.0.0.1';
      // Loaded on use: the SMTP stack stays out of the harness when the platform's own mailbox is configured.
      const { startMailSink, SinkListenError } = await import('./sink.ts');
      try {
        const sink = await startMailSink({ host, ...(m.port ? { smtpPort: m.port } : {}) });
        info(
          `mail sink listening on smtp://${sink.smtp.host}:${sink.smtp.port}${LOOPBACK.test(host) ? '' : ' (beyond loopback: it accepts any mail without authentication)'}`,
        );
        return { spec: { kind: 'smtp-sink', url: sink.apiUrl, smtp: sink.smtp }, stop: () => sink.stop() };
      } catch (e) {
        if (!(e instanceof SinkListenError)) throw e;
        const fix =
          e.what === 'SMTP' && m.port
            ? '; free that port, or set smoke.mailbox.port to one the platform can deliver to'
            : '';
        throw new ConfigError('smoke.mailbox', [`the smtp-sink mailbox ${e.message}${fix}`], { cause: e });
      }
    }
  }
}
