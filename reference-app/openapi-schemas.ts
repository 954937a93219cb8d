import type { Dialect } from './dialects.ts';

/**
 * The bodies the dialect's routes take and answer, as JSON Schemas read from the routes themselves (routes/*.ts and
 * db.ts's orderJson): field names, token placement, amounts in cents or decimal strings, state words, role names.
 */
type S = Record<string, unknown>;
const str: S = { type: 'string' };
const int: S = { type: 'integer' };
const bool: S = { type: 'boolean' };
const obj = (properties: Record<string, S>, required: string[] = []): S => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});

export function schemas(d: Dialect): Record<string, S> {
  const a = d.auth;
  const f = d.escrow.fields;
  const amount: S =
    d.escrow.amounts === 'cents'
      ? int
      : { type: 'string', format: 'decimal', pattern: '^-?\\d{0,10}(?:\\.\\d{0,2})?$' };
  const codes = ['usd', 'eur', 'gbp'].map((c) => (d.escrow.currencyCase === 'upper' ? c.toUpperCase() : c));
  const milestones = d.escrow.fulfil === 'approve-milestones';
  const tokens: Record<string, S> = {
    [a.accessField]: str,
    ...(a.refreshField ? { [a.refreshField]: str } : {}),
    token_type: str,
    expires_in: int,
  };
  const user = {
    id: int,
    email: { type: 'string', format: 'email' },
    role: { type: 'string', enum: Object.values(d.roles) },
    is_verified: bool,
    full_name: str,
  };
  const order = obj(
    {
      [f.id]: int,
      client_id: int,
      [f.counterparty]: int,
      [f.state]: { type: 'string', enum: [...new Set(Object.values(d.escrow.states))] },
      [f.amount]: amount,
      currency: { type: 'string', enum: codes },
      [f.funded]: amount,
      description: str,
      ...(d.escrow.payment === 'on-create' ? { payment_intent_id: str } : {}),
      ...(milestones
        ? { milestones: { type: 'array', items: obj({ id: int, title: str, [f.amount]: amount, approved: bool }) } }
        : {}),
    },
    [f.id, f.state, f.amount, 'currency'],
  );
  const verifyField = a.verify.kind === 'link-query' ? a.verify.param : a.verify.field;
  return {
    Login:
      a.loginEncoding === 'form'
        ? // FastAPI's OAuth2PasswordRequestForm, as FastAPI names the form's schema.
          obj(
            {
              grant_type: { type: 'string', pattern: '^password$' },
              [a.loginEmailField]: str,
              password: { type: 'string', format: 'password' },
              scope: { type: 'string', default: '' },
              client_id: str,
              client_secret: { type: 'string', format: 'password' },
            },
            [a.loginEmailField, 'password'],
          )
        : // simplejwt's TokenObtainPair as drf-spectacular writes it: one component, the tokens read-only, the password write-only.
          d.name === 'drf'
          ? obj(
              {
                [a.loginEmailField]: { type: 'string', writeOnly: true },
                password: { type: 'string', writeOnly: true },
                ...Object.fromEntries(
                  Object.entries(tokens)
                    .filter(([k]) => k === a.accessField || k === a.refreshField)
                    .map(([k, s]) => [k, { ...s, readOnly: true }]),
                ),
              },
              [a.loginEmailField, 'password', a.accessField, ...(a.refreshField ? [a.refreshField] : [])],
            )
          : obj({ [a.loginEmailField]: { type: 'string', format: 'email' }, password: str }, [
              a.loginEmailField,
              'password',
            ]),
    Tokens: obj(tokens, [a.accessField]),
    ...(a.refreshField && !a.refreshCookie ? { Refresh: obj({ [a.refreshField]: str }, [a.refreshField]) } : {}),
    ...(a.logoutBodyField
      ? { Logout: obj({ [a.logoutBodyField]: { type: 'string', writeOnly: true } }, [a.logoutBodyField]) }
      : {}),
    Register: obj(
      {
        [a.registerFields.email]: { type: 'string', format: 'email' },
        [a.registerFields.password]: { type: 'string', writeOnly: true },
        [a.registerFields.name]: str,
      },
      [a.registerFields.email, a.registerFields.password],
    ),
    Registered: obj({ id: int, email: str, is_verified: bool, role: user.role }, ['id', 'email']),
    VerifyEmail: obj({ [verifyField]: str }, [verifyField]),
    Detail: obj({ detail: str }),
    User: obj(user, ['id', 'email', 'role']),
    Counterparty: obj({ id: int, name: str }, ['id']),
    OrderCreate: obj(
      {
        [f.counterparty]: int,
        [f.amount]: amount,
        currency: { type: 'string', enum: codes },
        description: str,
        ...(milestones
          ? {
              milestones: {
                type: 'array',
                minItems: 1,
                items: obj({ title: str, [f.amount]: amount }, ['title', f.amount]),
              },
            }
          : {}),
      },
      [f.counterparty, f.amount, 'currency', ...(milestones ? ['milestones'] : [])],
    ),
    OrderUpdate: obj({ description: str }),
    Order: order,
    ...(d.escrow.payment === 'intent-call'
      ? {
          PaymentIntent: obj({ payment_intent_id: str, client_secret: str, amount, currency: str }, [
            'payment_intent_id',
            'client_secret',
          ]),
        }
      : {}),
    ...(d.escrow.payment === 'checkout'
      ? { CheckoutRedirect: obj({ url: { type: 'string', format: 'uri' } }, ['url']) }
      : {}),
    StripeEvent: obj({ id: str, type: str, data: obj({ object: { type: 'object' } }) }, ['id', 'type', 'data']),
    WebhookAck: obj({ received: bool, status: str }),
  };
}
