import { z } from 'zod';

/** The rule every `...Env` key of the config follows: secrets never live in the file, only the variable's name. */
export const ENV_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

/** An environment variable *name*: secrets never live in the config file itself. */
export const EnvName = z
  .string()
  .regex(
    ENV_NAME_PATTERN,
    'an environment variable name (secrets are read from the environment, never written in the file)',
  );
