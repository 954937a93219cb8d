import type { MailboxSpec } from '../mail/mailbox.ts';
import type { LoginConfig, RegisterConfig, VerifyEmailConfig } from './config.ts';

/** The sign-in mapping the account client reads; the smoke config is one. */
export interface SigninConfig {
  login: LoginConfig;
  register: RegisterConfig;
  verifyEmail: VerifyEmailConfig;
  /** Where the CSRF token is fetched when smoke.login.csrf.path is unset: the login form's page. */
  browser: { loginPage?: string | undefined };
}

/** What the account client needs of a run: the smoke suite's plan is one, the load suite builds its own. */
export interface SigninPlan {
  baseUrl: string;
  config: SigninConfig;
  /** Where verification mail is read. */
  mailbox: MailboxSpec;
  /** Unique per run: makes the addresses registered unique. */
  runTag: string;
}
