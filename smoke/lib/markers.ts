/** Markers in error messages that tell the adapter a `fail` (the protection does not hold) from an `error`. */
export const FAIL_MARK = '[gonogo:fail]';
export const ERROR_MARK = '[gonogo:error]';
/** Annotation type that carries a skip's kind (core/report-schema.ts SkipKind) next to Playwright's own `skip` annotation. */
export const SKIP_KIND_ANNOTATION = 'gonogo:skip-kind';
/** A check that could not cover what it claims (a budget ran out): `warn`, never a pass. */
export const WARN_MARK = '[gonogo:warn]';
