/** GET a mailbox API's JSON within the wait's deadline (at least half a second, so a late look still gets an answer). */
export async function getJson<T>(url: string, deadline: number): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(Math.max(500, deadline - Date.now())),
      headers: { Accept: 'application/json' },
    });
  } catch (e) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause.
    const cause = (e as Error).cause as NodeJS.ErrnoException | undefined;
    throw new Error(`cannot reach ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, {
      cause: e,
    });
  }
  if (!res.ok) throw new Error(`the mailbox API answered ${res.status} for ${new URL(url).pathname}`);
  return (await res.json()) as T;
}

/** The newest recipients a mailbox holds, for a timeout message: "it holds 12 messages; the newest to a@x, b@y". */
export function holds(total: number, recipients: string[][], max = 8): string {
  const whom = [...new Set(recipients.flat())];
  if (!total) return 'the mailbox holds no messages at all';
  return `the mailbox holds ${total} message${total === 1 ? '' : 's'} in all; the newest ${recipients.length} addressed to ${whom.slice(0, max).join(', ') || 'nobody'}${whom.length > max ? ` and ${whom.length - max} more` : ''}`;
}
