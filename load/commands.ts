import type { RegisterCommands } from '../cli/command.ts';

/** `gonogo load`, `gonogo merge`, `gonogo k6 export`. */
export const registerLoadCommands: RegisterCommands = () => {};
