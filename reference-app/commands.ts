import type { RegisterCommands } from '../cli/command.ts';

/** `gonogo reference [--flaws a,b] [--list-flaws --json]`. */
export const registerReferenceCommands: RegisterCommands = () => {};
