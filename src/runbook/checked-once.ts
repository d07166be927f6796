// A runbook file's text is checked once per process: the same text read again (the tests start hundreds of bots in one
// process, each loading the same folder) gives the same result, frozen so no caller can change what the next one gets.

/** Texts checked most recently, at most this many: a folder's few files, and room for the tests' variants of them. */
const kept = 64;

/** The value and everything in it frozen: what a load returns is shared by every caller of it. */
export function freezeDeep<T>(value: T): T {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value as object)) freezeDeep((value as Record<PropertyKey, unknown>)[key]);
  return value;
}

/** `check` wrapped so that a (file, text) pair checked before returns that check's (frozen) result. */
export function checkedOnce<R>(check: (text: string, file: string) => R): (text: string, file: string) => R {
  const results = new Map<string, R>();
  return (text, file) => {
    const key = `${file}\0${text}`;
    const known = results.get(key);
    if (known !== undefined) {
      // Most recent last: the oldest is the one let go.
      results.delete(key);
      results.set(key, known);
      return known;
    }
    const result = freezeDeep(check(text, file));
    results.set(key, result);
    if (results.size > kept) results.delete(results.keys().next().value as string);
    return result;
  };
}
