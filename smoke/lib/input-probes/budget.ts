/**
 * What one input check may spend: requests in total and per operation, and seconds (the paced client's waits
 * included). A request the budget cannot cover is not sent; the check then says which key would raise it.
 */
export interface BudgetLimits {
  requests: number;
  perOperation: number;
  seconds: number;
}

export class ProbeBudget {
  private used = 0;
  private readonly perOp = new Map<string, number>();
  private readonly deadline: number;
  /** The first limit that stopped a request, as the config key that raises it. */
  exhausted?:
    | 'smoke.inputProbes.budget.requests'
    | 'smoke.inputProbes.budget.perOperation'
    | 'smoke.inputProbes.budget.seconds';

  constructor(
    readonly limits: BudgetLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + limits.seconds * 1000;
  }

  /** Takes one request for `op`, or returns false (and records why) when the budget cannot cover it. */
  take(op: string): boolean {
    const n = this.perOp.get(op) ?? 0;
    if (this.used >= this.limits.requests) this.exhausted ??= 'smoke.inputProbes.budget.requests';
    else if (n >= this.limits.perOperation) this.exhausted ??= 'smoke.inputProbes.budget.perOperation';
    else if (this.now() >= this.deadline) this.exhausted ??= 'smoke.inputProbes.budget.seconds';
    else {
      this.used++;
      this.perOp.set(op, n + 1);
      return true;
    }
    return false;
  }

  /** Whether `n` more requests for `op` fit, without taking them (a probe that needs a pair sends both or neither). */
  fits(op: string, n: number): boolean {
    return (
      this.used + n <= this.limits.requests &&
      (this.perOp.get(op) ?? 0) + n <= this.limits.perOperation &&
      this.now() < this.deadline
    );
  }

  get spent(): number {
    return this.used;
  }

  describe(): string {
    return `${this.used} of ${this.limits.requests} requests (smoke.inputProbes.budget.requests), at most ${this.limits.perOperation} per operation, ${this.limits.seconds} s`;
  }
}
