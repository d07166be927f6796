// An error told as text (across a worker boundary, or rewritten without a token) rebuilt as the same kind: a TypeError
// stays one, so a fault in the bot or its database driver is still told apart from an answer the database gave.

const builtInKinds: Record<string, new (message: string) => Error> = { TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError };

/** What a worker answers for a call that failed: the error's message, and the name of its kind when it is an Error. */
export function failureAnswer(error: unknown): { error: string; errorName?: string } {
  return { error: (error as Error)?.message ?? String(error), ...(error instanceof Error ? { errorName: error.name } : {}) };
}

/** An error with `message` of the kind `name` says: a built-in kind rebuilt as its class, any other an Error keeping the name. */
export function errorOfKind(name: string | undefined, message: string): Error {
  const BuiltIn = name !== undefined && Object.hasOwn(builtInKinds, name) ? builtInKinds[name] : undefined;
  if (BuiltIn) return new BuiltIn(message);
  const error = new Error(message);
  if (name !== undefined && name !== 'Error') error.name = name;
  return error;
}
