import type { RegisterCommands } from './command.ts';

export const registerRunCommand: RegisterCommands = () => {};
