// One redaction function for everything that leaves the process: Slack text, logs, command output.
const placeholder = '[REDACTED]';

export type Redactor = (text: string) => string;

/**
 * The forms a secret takes once text has been escaped for where it goes: Slack mrkdwn (& < >), JSON strings (" \\),
 * Markdown (backslash before punctuation), and percent-encoding (a password in a URL or a query string). Redacting
 * these too means it does not matter whether redaction runs before or after escaping.
 */
function escapedForms(secret: string): string[] {
  const mrkdwn = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const json = (text: string) => JSON.stringify(text).slice(1, -1);
  const markdown = secret.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  const percent = encodeURIComponent(secret);
  const percentLower = percent.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase());
  const form = percent.replace(/%20/g, '+');
  // A multi-line secret (a PEM private key) printed line by line, or cut by a terminal, still hides each line.
  const lines = secret.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length >= 16);
  return [secret, mrkdwn, json(secret), json(mrkdwn), markdown, json(markdown), percent, percentLower, form, ...(lines.length > 1 ? lines : [])];
}

/** Slack tokens. */
// Every xox…- kind: bot, user, app, refresh (xoxe), and a browser session's client token and cookie (xoxc, xoxd).
const tokenPattern = /\b(xox[abcdeoprs]|xapp)-[A-Za-z0-9-]{8,}/g;

/**
 * The password of a connection string: scheme://user:password@host, also with no user (redis://:password@host), an
 * @ inside the password (user:p@ss@host: the last @ before the host counts), and the whole URL percent-encoded.
 */
const urlPassword = /(\b[a-z][a-z0-9+.-]*(?::|%3A)(?:\/\/|%2F%2F)[^\s:/@%]*(?::|%3A))((?:[^\s/@]|@(?=[^\s/@]*@)){1,512})((?:@|%40)(?=[^\s@/]*(?:[/?#\s"'<>,;)\]]|$)))/gi;

/** Names under which a value is a credential (dlt's secrets.toml keys, libpq keywords, environment variables). */
const secretWords = String.raw`password|passwd|pwd|secret|token|credentials?|api[-_]?key|private[-_]?key|access[-_]?key|_key`;
/**
 * A name holding one of the words, anywhere in it (API_TOKEN_RO, SECRET_THING, MOTHERDUCK_TOKEN_RW, as the environment's
 * secret names are found), and a PASS of its own (DB_PASS, PASS_PROD; not "bypass"): what follows the word is up to four
 * more parts of the name after a _ or -, bounded so that a long run of name characters is not searched again from each
 * word in it (a run of 200 KB took seconds).
 */
const secretName = String.raw`(?:[A-Za-z0-9_.-]*(?:${secretWords})|(?:[A-Za-z0-9.]*[_.-])?pass)(?:[_-][A-Za-z0-9]{1,32}){0,4}`;
/** Names that end in _key but hold column names (dlt's primary_key, merge_key …): not secrets. */
const notSecretName = /^(?:primary|merge|partition|sort|cluster|foreign|dedup_sort|unique|row|natural|surrogate)_key$/i;
/**
 * name = value: libpq (password=…), dotenv and `env` output (FOO_KEY=…), TOML (api_key = "…"), query strings. An
 * unquoted value ends at & or ; (the next query parameter), but not at an escape that text for Slack puts in it (&lt;).
 */
const assignment = new RegExp(String.raw`(^|[^A-Za-z0-9_.-])(${secretName})(\s*=\s*)("(?:[^"\\\n]|\\.){1,4096}"|'[^'\n]{1,4096}'|(?:&(?:lt|gt|amp);|[^\s"'&;,]){1,4096})`, 'gim');
/** "name": "value" (JSON). */
const jsonAssignment = new RegExp(String.raw`(")(${secretName})("\s*:\s*)("(?:[^"\\\n]|\\.){1,4096}")`, 'gi');
/** name: value at the start of a line (YAML, log lines). */
const yamlAssignment = new RegExp(String.raw`(^[ \t-]*)(${secretName})([ \t]*:[ \t]+)([^\s#][^\n]{0,4095})`, 'gim');
/** A TOML multi-line string under a secret name: a private key in dlt's secrets.toml, printed as the file is. */
const multiLine = new RegExp(String.raw`(^|[^A-Za-z0-9_.-])(${secretName})(\s*=\s*)("""[\s\S]{0,16384}?"""|'''[\s\S]{0,16384}?''')`, 'gim');
/**
 * An HTTP credential as a header or a log prints it: `Bearer <token>` anywhere, `Authorization: Basic <base64>`; a value
 * of 16 characters or more, so "bearer authentication" in a sentence stays as it is.
 */
const httpCredential = /(\bBearer[ \t]{1,16}|\bAuthorization:[ \t]{0,16}Basic[ \t]{1,16})([A-Za-z0-9._~+/=-]{16,4096})/gi;
/** A secret given as a command-line flag and its value, on one line (`--password hunter2`, `--token "…"`, `--api-key=…`). */
const flagSecret = new RegExp(String.raw`((?:^|\s)--?(?:password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key)(?:[ \t]{1,16}|=))("[^"
]{1,4096}"|'[^'
]{1,4096}'|[^\s"'-][^\s"']{0,4095})`, 'gi');
/** A PEM private key block, wherever it appears. */
const pemKey = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]{0,16384}?-----END \1-----/g;

function quotedPlaceholder(value: string): string {
  const quote = value.startsWith('"""') || value.startsWith("'''") ? value.slice(0, 3) : /^["']/.test(value) ? value[0] : '';
  return `${quote}${placeholder}${quote}`;
}

function replaceAssignments(text: string, pattern: RegExp): string {
  return text.replace(pattern, (whole, before: string, name: string, separator: string, value: string) => {
    // PWD and OLDPWD are the shell's working directories, printed by `env`.
    if (notSecretName.test(name) || name === 'PWD' || name === 'OLDPWD' || value.includes(placeholder)) return whole;
    return `${before}${name}${separator}${quotedPlaceholder(value)}`;
  });
}

interface RedactorParts {
  forms: readonly string[];
  /** The forms by their first character: a stream's tail is checked against the few that could begin there. */
  formsByFirst: ReadonlyMap<string, readonly string[]>;
}

/** What a redactor matches, kept so a stream can find where a secret starts and never cut through one. */
const partsOf = new WeakMap<Redactor, RedactorParts>();

/** Each pattern with a cheap test that must pass for it to match at all: most output holds no credential. */
const keyword = /pass|pwd|secret|token|credential|key/i;
const patterns: { pattern: RegExp; hint: (text: string) => boolean; assignment: boolean; keep?: string }[] = [
  { pattern: pemKey, hint: (text) => text.includes('PRIVATE KEY-----'), assignment: false },
  { pattern: multiLine, hint: (text) => (text.includes('"""') || text.includes("'''")) && keyword.test(text), assignment: true },
  { pattern: assignment, hint: (text) => text.includes('=') && keyword.test(text), assignment: true },
  { pattern: jsonAssignment, hint: (text) => text.includes('":') && keyword.test(text), assignment: true },
  { pattern: yamlAssignment, hint: (text) => text.includes(':') && keyword.test(text), assignment: true },
  { pattern: tokenPattern, hint: (text) => text.includes('xox') || text.includes('xapp-'), assignment: false },
  { pattern: urlPassword, hint: (text) => text.includes('@') || /%40/i.test(text), assignment: false, keep: `$1${placeholder}$3` },
  { pattern: httpCredential, hint: (text) => /bearer|basic/i.test(text), assignment: false, keep: `$1${placeholder}` },
  { pattern: flagSecret, hint: (text) => text.includes('-') && keyword.test(text), assignment: false, keep: `$1${placeholder}` },
];

export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= 4).flatMap(escapedForms))]
    .filter((form) => form.length >= 4)
    .sort((a, b) => b.length - a.length);
  const redact: Redactor = (text: string) => {
    let result = text;
    // Literal secrets by split/join: far faster over a long output than one regular expression with many branches.
    for (const form of forms) if (result.includes(form)) result = result.split(form).join(placeholder);
    for (const { pattern, hint, assignment: isAssignment, keep } of patterns) {
      if (!hint(result)) continue;
      if (isAssignment) result = replaceAssignments(result, pattern);
      else result = result.replace(pattern, keep ?? placeholder);
    }
    return result;
  };
  const formsByFirst = new Map<string, string[]>();
  for (const form of forms) formsByFirst.set(form[0] as string, [...(formsByFirst.get(form[0] as string) ?? []), form]);
  partsOf.set(redact, { forms, formsByFirst });
  return redact;
}

/**
 * Where in `text` a secret (or a pattern that carries one) starts and ends, as [start, end) pairs; undefined for a
 * redactor this module did not make.
 */
export function secretSpans(redact: Redactor, text: string): [number, number][] | undefined {
  const parts = partsOf.get(redact);
  if (!parts) return undefined;
  const spans: [number, number][] = [];
  for (const form of parts.forms) {
    for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
  }
  for (const { pattern, hint } of patterns) {
    if (!hint(text)) continue;
    for (const match of text.matchAll(pattern)) {
      if (match[0].length > 0) spans.push([match.index, match.index + match[0].length]);
    }
  }
  return spans;
}

/** What may still grow into a secret in an incomplete line, past a space: name = "a b", Bearer …, -----BEGIN …. */
// Built from the same words as secretName, so a name added there is held here too; with flagSecret's (each holds one of
// these) and httpCredential's and pemKey's openings.
const mayContinue = new RegExp(String.raw`-----|pass|key|${secretWords}|bearer|basic|authoriz`, 'i');
const pemBegin = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----/g;
const multiLineOpening = new RegExp(String.raw`(^|[^A-Za-z0-9_.-])(${secretName})(\s*=\s*)("""|''')`, 'gim');
/** The longest body pemKey and multiLine match: an opening further back than this can no longer be closed. */
const longestBody = 16384;
/**
 * A secret name ending the text (its = or : may already be there): the value may still follow, on the next line too.
 * Without its = or :, only a name ending in its word (password, API_KEY): one with more after it (secretName's
 * API_TOKEN_RO) is as often a value that reads like one (Sup3r-Secret-Value-42), and holding a line that ends in it would
 * hold it until the command printed more, however long that is.
 */
const nameAtEnd = new RegExp(String.raw`"?[A-Za-z0-9_.-]*(?:${secretWords})"?$`, 'i');
/** Any secret name (secretName's DB_PASS and API_TOKEN_RO too) with its = or : already written: its value follows. */
const assignedNameAtEnd = new RegExp(String.raw`"?${secretName}"?$`, 'i');
const space = /\s/;

/**
 * How much of `text`, a stream's text so far, can be redacted and passed on now, so that no secret is ever split
 * between what is passed on and what is still to come: up to the last line end, or after a pause in the output
 * (`idle`) also an incomplete last line up to its last space when nothing in it could begin a secret. Never through a
 * secret, nor past where one may have begun that the text does not finish yet: a prefix of a known secret (a PEM key
 * printed line by line too), a PEM block or a TOML multi-line string not closed, a secret name whose value may follow.
 * Undefined for a redactor this module did not make.
 */
export function settledLength(redact: Redactor, text: string, idle: boolean): number | undefined {
  const parts = partsOf.get(redact);
  if (!parts) return undefined;
  const lineStart = text.lastIndexOf('\n') + 1;
  let cut = lineStart;
  // A value on the line after its name (password =⏎ "a b") continues what began there.
  if (idle && !mayContinue.test(text.slice(lineStart)) && nameBefore(text, lineStart) === lineStart) {
    let end = text.length;
    while (end > lineStart && !space.test(text[end - 1] as string)) end -= 1;
    cut = end;
  }
  if (cut === 0) return 0;
  cut = Math.min(cut, unfinishedFrom(parts, text));
  const spans = secretSpans(redact, text) ?? [];
  // Each move back can land in another secret, or after another name: repeat until nothing is crossed.
  for (let before = -1; before !== cut; ) {
    before = cut;
    cut = outsideSpans(Math.min(cut, nameBefore(text, cut)), spans);
  }
  return cut;
}

/** A cut moved back to the start of every secret span it would go through, each secret kept whole on one side. */
export function outsideSpans(cut: number, spans: readonly (readonly [number, number])[]): number {
  // Moving the cut back can land inside another span that starts earlier: repeat until none is crossed.
  for (let moved = true; moved; ) {
    moved = false;
    for (const [start, end] of spans) {
      if (start < cut && cut < end) {
        cut = start;
        moved = true;
      }
    }
  }
  return cut;
}

/** Where a secret name ends text[0, cut), followed only by spaces, line ends and an = or a :; `cut` when none does. */
function nameBefore(text: string, cut: number): number {
  let end = cut;
  while (end > 0 && space.test(text[end - 1] as string)) end -= 1;
  const assigned = text[end - 1] === '=' || text[end - 1] === ':';
  if (assigned) {
    end -= 1;
    while (end > 0 && space.test(text[end - 1] as string)) end -= 1;
  }
  // A name longer than this is held from inside it, where the rest still matches as a name.
  const from = Math.max(0, end - 512);
  const match = (assigned ? assignedNameAtEnd : nameAtEnd).exec(text.slice(from, end));
  return match ? from + match.index : cut;
}

/** Where the earliest secret begins that `text` does not finish; its length when none. */
function unfinishedFrom(parts: RedactorParts, text: string): number {
  let from = text.length;
  for (let at = Math.max(0, text.length - (parts.forms[0]?.length ?? 0) + 1); at < from; at += 1) {
    for (const form of parts.formsByFirst.get(text[at] as string) ?? []) {
      if (form.length > text.length - at && form.startsWith(text.slice(at))) from = at;
    }
  }
  if (text.includes('PRIVATE KEY-----')) {
    for (const match of text.matchAll(pemBegin)) {
      const body = match.index + match[0].length;
      const end = `-----END ${match[1]}-----`;
      if (!text.includes(end, body) && text.length - body < longestBody + end.length) {
        from = Math.min(from, match.index);
        break;
      }
    }
  }
  if (text.includes('"""') || text.includes("'''")) {
    for (const match of text.matchAll(multiLineOpening)) {
      const body = match.index + match[0].length;
      if (!text.includes(match[4] as string, body) && text.length - body < longestBody + 3) {
        from = Math.min(from, match.index + (match[1] as string).length);
        break;
      }
    }
  }
  return from;
}

/** Redacts every string inside a JSON-like value (keys too), leaving numbers and structure alone. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact)])) as T;
  }
  return value;
}
