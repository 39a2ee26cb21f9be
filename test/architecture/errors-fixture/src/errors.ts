// Fixture: the library's error classes (the only ones src/ may throw).
export class BilstmError extends Error {}
export class CheckpointError extends BilstmError {}
