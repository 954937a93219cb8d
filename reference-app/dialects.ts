import { UsageError } from '../core/errors.ts';
import type { UserRow } from './db.ts';

type Role = UserRow['role'];

/**
 * The same marketplace, served the way other stacks build it. A dialect changes only the platform's surface
 * (routes, payload shapes, token placement, payment integration, state words, role names, error shapes, the
 * rate-limit algorithm, the mail backend, the debug pages): the protections and the flaws stay the same, so one
 * flaw matrix proves every check on every dialect, each driven by its own config written with the public options.
 */
export interface Dialect {
  name: DialectName;
  description: string;
  /** Role names as the API and its tokens spell them. */
  roles: Record<Role, string>;
  paths: {
    register: string;
    verify: string;
    login: string;
    refresh: string;
    logout: string;
    me: string;
    manufacturers: string;
    manufacturerOrders: string;
    adminUsers: string;
    orders: string;
    order: string;
    approve: string;
    release: string;
    webhook: string;
    /** Opens a payment for an existing order (intent-call and checkout payments). */
    pay?: string;
    /** The counterparty marks the order delivered (deliver fulfilment). */
    deliver?: string;
  };
  auth: {
    loginEncoding: 'json' | 'form';
    /** Field that carries the email at login. */
    loginEmailField: string;
    /** Response body of a login or refresh: field names for the access and refresh tokens (absent: cookie only). */
    accessField: string;
    refreshField?: string;
    /** The refresh token travels in an HttpOnly cookie of this name instead of the body. */
    refreshCookie?: string;
    /** How the verification mail hands over the token. */
    verify:
      | { kind: 'link-query'; param: string }
      | { kind: 'post-key'; field: string; linkPath: string }
      | { kind: 'code'; field: string };
    /** Logout blacklists the refresh token sent in the body (simplejwt's token blacklist). */
    logoutBodyField?: string;
    registerFields: { email: string; password: string; name: string };
    /**
     * Session auth instead of a bearer token: login sets the session cookie (the signed access token, as Django's
     * signed_cookies backend keeps a session) and rotates the CSRF cookie; the token goes back in the header or form field.
     */
    session?: { cookie: string; csrfCookie: string; csrfHeader: string; csrfField: string };
  };
  escrow: {
    /** on-create: the payment id comes back with the order; intent-call: a separate call opens it; checkout: a hosted checkout session. */
    payment: 'on-create' | 'intent-call' | 'checkout';
    fulfil: 'approve-milestones' | 'deliver';
    states: { pending: string; funded: string; delivered: string; released: string };
    fields: { id: string; state: string; amount: string; counterparty: string; funded: string };
    /** How the API writes amounts: integer cents, or decimal major units as strings ("200.00", a DRF DecimalField). */
    amounts: 'cents' | 'decimal';
    /** How the API spells currency codes (stored and sent by Stripe in lower case either way); upper is an exact choice list. */
    currencyCase: 'lower' | 'upper';
  };
  /** Status and body of a refused request. */
  errors: {
    validationStatus: 400 | 422;
    body: (status: number, message: string, field?: string) => Record<string, unknown>;
  };
  /** The API limit's algorithm (100/min per user, or per address when anonymous) and the login limit's key and size. */
  limits: { algorithm: 'fixed' | 'sliding' | 'token-bucket'; login: { key: 'address' | 'address+email'; max: number } };
  mail: 'smtp' | 'file';
  debug: 'json' | 'django' | 'starlette';
}

export const DIALECT_NAMES = ['marketplace', 'drf', 'fastapi', 'session'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

const detail = (_status: number, message: string) => ({ detail: message });

const MARKETPLACE: Dialect = {
  name: 'marketplace',
  description:
    'JSON API under /api, PaymentIntent created with the order, milestones approved by the client (the default)',
  roles: { client: 'client', manufacturer: 'manufacturer', admin: 'admin' },
  paths: {
    register: '/api/auth/register',
    verify: '/api/auth/verify-email',
    login: '/api/auth/login',
    refresh: '/api/auth/refresh',
    logout: '/api/auth/logout',
    me: '/api/auth/me',
    manufacturers: '/api/manufacturers',
    manufacturerOrders: '/api/manufacturer/orders',
    adminUsers: '/api/admin/users',
    orders: '/api/orders',
    order: '/api/orders/:id',
    approve: '/api/orders/:id/milestones/:mid/approve',
    release: '/api/orders/:id/release',
    webhook: '/api/webhooks/stripe',
  },
  auth: {
    loginEncoding: 'json',
    loginEmailField: 'email',
    accessField: 'access_token',
    refreshField: 'refresh_token',
    verify: { kind: 'link-query', param: 'token' },
    registerFields: { email: 'email', password: 'password', name: 'full_name' },
  },
  escrow: {
    payment: 'on-create',
    fulfil: 'approve-milestones',
    states: { pending: 'pending_payment', funded: 'funded', delivered: 'funded', released: 'released' },
    fields: {
      id: 'id',
      state: 'status',
      amount: 'amount_cents',
      counterparty: 'manufacturer_id',
      funded: 'funded_cents',
    },
    amounts: 'cents',
    currencyCase: 'lower',
  },
  errors: { validationStatus: 422, body: detail },
  limits: { algorithm: 'fixed', login: { key: 'address+email', max: 10 } },
  mail: 'smtp',
  debug: 'json',
};

export const DIALECTS: Record<DialectName, Dialect> = {
  marketplace: MARKETPLACE,
  drf: {
    name: 'drf',
    description:
      'Django REST Framework style: /api/v1/ with trailing slashes, simplejwt access/refresh, Stripe Checkout, decimal amounts ("200.00") and upper-case currencies, seller delivers, sliding-window throttles, file mail backend',
    roles: { client: 'buyer', manufacturer: 'seller', admin: 'staff' },
    paths: {
      register: '/api/v1/auth/registration/',
      verify: '/api/v1/auth/registration/verify-email/',
      login: '/api/v1/auth/token/',
      refresh: '/api/v1/auth/token/refresh/',
      logout: '/api/v1/auth/token/blacklist/',
      me: '/api/v1/auth/user/',
      manufacturers: '/api/v1/sellers/',
      manufacturerOrders: '/api/v1/seller/orders/',
      adminUsers: '/api/v1/staff/users/',
      orders: '/api/v1/orders/',
      order: '/api/v1/orders/:id/',
      approve: '/api/v1/orders/:id/milestones/:mid/approve/',
      release: '/api/v1/orders/:id/confirm-delivery/',
      webhook: '/api/v1/payments/stripe/webhook/',
      pay: '/api/v1/orders/:id/checkout/',
      deliver: '/api/v1/orders/:id/deliver/',
    },
    auth: {
      loginEncoding: 'json',
      loginEmailField: 'email',
      accessField: 'access',
      refreshField: 'refresh',
      verify: { kind: 'post-key', field: 'key', linkPath: '/account-confirm-email/' },
      logoutBodyField: 'refresh',
      registerFields: { email: 'email', password: 'password1', name: 'first_name' },
    },
    escrow: {
      payment: 'checkout',
      fulfil: 'deliver',
      states: { pending: 'awaiting_payment', funded: 'paid', delivered: 'delivered', released: 'completed' },
      fields: { id: 'id', state: 'status', amount: 'amount', counterparty: 'seller', funded: 'amount_paid' },
      // models.DecimalField(max_digits=12, decimal_places=2) and a currency ChoiceField of ISO codes, as DRF serialises them.
      amounts: 'decimal',
      currencyCase: 'upper',
    },
    errors: {
      validationStatus: 400,
      body: (_s, message, field) => (field ? { [field]: [message] } : { detail: message }),
    },
    limits: { algorithm: 'sliding', login: { key: 'address', max: 60 } },
    mail: 'file',
    debug: 'django',
  },
  fastapi: {
    name: 'fastapi',
    description:
      'FastAPI style: OAuth2 password form at /auth/jwt/login, refresh token in a cookie, a separate payment-intent call, 422 validation errors, token-bucket limits, codes by mail',
    roles: { client: 'customer', manufacturer: 'vendor', admin: 'superuser' },
    paths: {
      register: '/auth/register',
      verify: '/auth/verify',
      login: '/auth/jwt/login',
      refresh: '/auth/jwt/refresh',
      logout: '/auth/jwt/logout',
      me: '/users/me',
      manufacturers: '/vendors',
      manufacturerOrders: '/vendor/orders',
      adminUsers: '/admin/users',
      orders: '/orders',
      order: '/orders/:id',
      approve: '/orders/:id/milestones/:mid/approve',
      release: '/orders/:id/release',
      webhook: '/webhooks/stripe',
      pay: '/orders/:id/payment-intent',
    },
    auth: {
      loginEncoding: 'form',
      loginEmailField: 'username',
      accessField: 'access_token',
      refreshCookie: 'refresh_token',
      verify: { kind: 'code', field: 'token' },
      registerFields: { email: 'email', password: 'password', name: 'full_name' },
    },
    escrow: {
      payment: 'intent-call',
      fulfil: 'approve-milestones',
      states: { pending: 'CREATED', funded: 'FUNDED', delivered: 'FUNDED', released: 'RELEASED' },
      fields: {
        id: 'order_id',
        state: 'state',
        amount: 'amount',
        counterparty: 'vendor_id',
        funded: 'amount_received',
      },
      amounts: 'cents',
      currencyCase: 'lower',
    },
    errors: {
      validationStatus: 422,
      body: (status, message, field) =>
        status === 422
          ? { detail: [{ loc: ['body', field ?? '__root__'], msg: message, type: 'value_error' }] }
          : { detail: message },
    },
    limits: { algorithm: 'token-bucket', login: { key: 'address+email', max: 10 } },
    mail: 'smtp',
    debug: 'starlette',
  },
  // The marketplace with Django's session login instead of tokens: only the sign-in differs.
  session: {
    ...MARKETPLACE,
    name: 'session',
    description:
      "Django session auth: a form login at /accounts/login/ sets a `sessionid` cookie and rotates the (HttpOnly) `csrftoken` cookie; every state-changing request of a session needs X-CSRFToken and a same-site Origin (or Referer); no refresh token; the marketplace's JSON API otherwise",
    paths: { ...MARKETPLACE.paths, login: '/accounts/login/', logout: '/accounts/logout/' },
    auth: {
      loginEncoding: 'form',
      loginEmailField: 'username',
      accessField: 'access_token',
      verify: { kind: 'link-query', param: 'token' },
      registerFields: { email: 'email', password: 'password', name: 'full_name' },
      session: {
        cookie: 'sessionid',
        csrfCookie: 'csrftoken',
        csrfHeader: 'X-CSRFToken',
        csrfField: 'csrfmiddlewaretoken',
      },
    },
  },
};

export function dialectByName(name: string | undefined): Dialect {
  if (name === undefined) return DIALECTS.marketplace;
  if ((DIALECT_NAMES as readonly string[]).includes(name)) return DIALECTS[name as DialectName];
  throw new UsageError(`unknown dialect "${name}": the reference platform speaks ${DIALECT_NAMES.join(', ')}`);
}

/** The internal role of an external role name (tokens carry the dialect's names). */
export function roleOf(d: Dialect, external: unknown): Role | undefined {
  return (Object.keys(d.roles) as Role[]).find((r) => d.roles[r] === external);
}
