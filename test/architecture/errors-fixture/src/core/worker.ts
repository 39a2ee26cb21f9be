// Fixture: code in a string (a worker's source) is not src/'s code, so the check leaves it alone.
export const SOURCE = `class WorkerAbort extends Error {} function f() { throw new WorkerAbort(); }`;
