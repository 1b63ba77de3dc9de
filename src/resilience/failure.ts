/**
 * A failure no retry can fix (a store refusing a value, a constraint broken): the consumer
 * narrows its batch down to the record that causes it and dead-letters that one record, instead
 * of retrying the same batch forever while everything behind it waits.
 */
export class PermanentFailure extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

export const isPermanentFailure = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
