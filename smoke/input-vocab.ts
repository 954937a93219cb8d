/**
 * The input probes' shipped vocabulary: payloads, the signatures of what they reach, and the parameter names that
 * look like files. Each list is the default of a `smoke.inputProbes` key and is exported so a config can extend it.
 * `{value}` in a payload is the parameter's control value.
 */
import type { DebugSignature } from './vocab.ts';

/** Database error messages per engine, after sqlmap's data/xml/errors.xml and the drivers' own exception names. */
export const DEFAULT_SQL_ERROR_SIGNATURES: DebugSignature[] = [
  {
    name: 'PostgreSQL',
    pattern: 'PostgreSQL.{0,40}ERROR|ERROR:\\s+syntax error at or near|unterminated quoted string at or near',
  },
  {
    name: 'PostgreSQL driver',
    pattern: 'org\\.postgresql\\.util\\.PSQLException|psycopg2?\\.\\w*Error|PG::\\w+Error|Npgsql\\.',
  },
  {
    name: 'MySQL/MariaDB',
    pattern:
      'You have an error in your SQL syntax|check the manual that corresponds to your (?:MySQL|MariaDB) server version',
    flags: 'i',
  },
  {
    name: 'MySQL/MariaDB driver',
    pattern: 'com\\.mysql\\.jdbc|MySqlException|ER_PARSE_ERROR|ER_BAD_FIELD_ERROR|Warning.{0,20}\\Wmysqli?_',
  },
  {
    name: 'SQLite',
    pattern:
      'SQLITE_ERROR|SqliteError|sqlite3\\.OperationalError|SQLite error \\d+|unrecognized token:|near "[^"]{0,40}": syntax error',
  },
  {
    name: 'MSSQL',
    pattern:
      'Unclosed quotation mark after the character string|Incorrect syntax near|System\\.Data\\.SqlClient\\.SqlException|com\\.microsoft\\.sqlserver\\.jdbc',
  },
  {
    name: 'Oracle',
    pattern: '\\bORA-\\d{5}\\b|quoted string not properly terminated|oracle\\.jdbc|Warning.{0,20}\\Woci_',
  },
  { name: 'SQLSTATE', pattern: 'SQLSTATE\\[\\w+\\]' },
];

/** What breaks the quoting of a value spliced into SQL: a quote of each kind, and a quote that closes a parenthesis. */
export const DEFAULT_SQL_ERROR_PAYLOADS = ["{value}'", '{value}"', "{value}')"];

/** Boolean pairs: spliced into SQL, `true` answers like the control and `false` does not (quoted, LIKE '%...%' and numeric contexts). */
export const DEFAULT_SQL_BOOLEAN_PAIRS = [
  { true: "{value}' AND '1'='1", false: "{value}' AND '1'='2" },
  { true: "{value}%' AND '%'='", false: "{value}%' AND 'x'='" },
  { true: '{value} AND 1=1', false: '{value} AND 1=2' },
];

/** Query-string operators as qs and PHP read them (`category[$ne]=x` -> `{ category: { $ne: 'x' } }`). */
export const DEFAULT_NOSQL_QUERY_OPERATORS = [
  { suffix: '[$ne]', value: '{value}' },
  { suffix: '[$gt]', value: '{value}' },
];

/** Operator objects put in place of a JSON body field's value. */
export const DEFAULT_NOSQL_BODY_OPERATORS: Record<string, unknown>[] = [{ $ne: null }, { $gt: '' }];

/** Template expressions of Jinja/Twig/Nunjucks/Handlebars, JS template literals/Freemarker/Thymeleaf, ERB/EJS, Ruby/Pug, Razor. */
export const DEFAULT_TEMPLATE_PAYLOADS = [
  { payload: '{{191*7}}', expect: '1337' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the probe sends this text; the platform's template engine must not evaluate it
  { payload: '${191*7}', expect: '1337' },
  { payload: '<%= 191*7 %>', expect: '1337' },
  { payload: '#{191*7}', expect: '1337' },
  { payload: '*{191*7}', expect: '1337' },
  { payload: '@(191*7)', expect: '1337' },
];

/** Relative, absolute and filter-dodging routes to a Unix passwd file and a Windows win.ini. */
export const DEFAULT_TRAVERSAL_PAYLOADS = [
  '../../../../../../../../etc/passwd',
  '/etc/passwd',
  '....//....//....//....//....//etc/passwd',
  '..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
  '../../../../../../../../windows/win.ini',
];

/** What the reached file looks like. */
export const DEFAULT_FILE_SIGNATURES: DebugSignature[] = [
  { name: 'Unix passwd', pattern: '\\broot:[^:\\n]*:0:0:' },
  { name: 'Windows win.ini', pattern: '^\\[(?:fonts|extensions|mci extensions)\\]', flags: 'm' },
  { name: 'Windows boot.ini', text: '[boot loader]' },
];

/** Parameter names that take a file or a path (a name that contains one counts: `file_path`, `templateName`). */
export const DEFAULT_FILE_PARAMS = [
  'path',
  'file',
  'filename',
  'document',
  'attachment',
  'download',
  'template',
  'folder',
  'dir',
  'include',
  'resource',
];
