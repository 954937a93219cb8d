/**
 * Characters a target can send that change how text looks rather than what it says: C0 controls
 * (ANSI escapes start with ESC) except tab and newline, DEL, C1 controls, and the Unicode bidi
 * marks, embeddings, overrides and isolates (U+202E can make "exe.txt" read "txt.exe").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what this removes
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Shows each such character as a visible escape (`\u202E`, `\u001B`), so a report or a terminal shows what was sent. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Whether a text still holds any of them (for tests and assertions). */
export function hasInvisible(text: string): boolean {
  return new RegExp(INVISIBLE.source).test(text);
}
