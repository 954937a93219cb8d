import type { RegisterCommands } from '../cli/command.ts';

/** `gonogo audit tls|headers|deps`. */
export const registerSecurityCommands: RegisterCommands = () => {};
