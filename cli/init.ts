import type { RegisterCommands } from './command.ts';

export const registerInitCommand: RegisterCommands = () => {};
