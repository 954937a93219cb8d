import type { RegisterCommands } from '../cli/command.ts';

/** `gonogo compare`, `gonogo trend`, `gonogo checklist`. */
export const registerReportCommands: RegisterCommands = () => {};
