// Reads a runbook file's YAML into plain data; whatever the yaml library finds or throws becomes a line naming the file and the line.
import { isAlias, isMap, isPair, isScalar, LineCounter, parseDocument, Scalar, visit, type Document } from 'yaml';
import { describeCharacter } from '../commands/unusual-characters.js';
import { didYouMean } from './did-you-mean.js';
import { duplicateKeyProblems } from './duplicate-keys.js';
import { lineOfPath, type DataPath, type LineAt } from './yaml-lines.js';

/**
 * How far aliases may expand: the yaml library refuses an anchor used more than this many times (100 by default, counting
 * an alias inside an anchored part once per use of that part). The limit guards against a file that grows without end
 * ("billion laughs"), but a runbook that gives every step of a long runbook the same defaults (`<<: *step`) can pass 100
 * honestly; 5,000 copies of any anchored part is still a bound.
 */
export const maxAliasCount = 5000;

/**
 * The data, and where a path of it was written (lineOfPath), for problems found later to name their line; nodeLineOf:
 * the line of the value itself, through aliases, which two paths share when they read one anchored node.
 */
export type ReadYaml =
  | { ok: true; content: unknown; lineOf: (at: DataPath) => number | undefined; nodeLineOf: (at: DataPath) => number | undefined }
  | { ok: false; problems: string[] };

export function readYaml(text: string, file: string): ReadYaml {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *defaults`) as YAML 1.1 has them: a runbook's steps may share defaults from one anchor.
  const doc = parseDocument(text, { prettyErrors: true, lineCounter, merge: true });
  const lineAt: LineAt = (offset) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  const first = doc.errors[0];
  // file:line first, as every other problem is given: an editor opens it there.
  const placed = (problem: string) => {
    const at = /^at line (\d+): /.exec(problem);
    return at ? `${file}:${at[1]}: ${problem.slice(at[0].length)}` : `${file}: ${problem}`;
  };
  if (first?.code === 'MULTIPLE_DOCS') {
    const line = first.linePos?.[0].line ?? '?';
    return { ok: false, problems: [placed(`at line ${line}: a second YAML document starts here (after a "---" or "..." line): a runbook file holds one runbook; put the other in a file of its own`)] };
  }
  // A key written twice is named with both its lines (the yaml library names the second alone), every one of them.
  const duplicates = doc.errors.every((error) => error.code === 'DUPLICATE_KEY') ? duplicateKeyProblems(doc, lineAt) : [];
  if (duplicates.length > 0) return { ok: false, problems: duplicates.map(placed) };
  if (first) {
    const line = first.linePos?.[0].line;
    const spaces = line === undefined ? [] : spacesNotSpaces(text, line);
    if (spaces.length > 0) return { ok: false, problems: spaces.map((space) => `${file}:${line}: ${space}`) };
    const colon = first.code === 'BLOCK_AS_IMPLICIT_KEY' && line !== undefined ? colonInPlainValue(text, line) : '';
    return { ok: false, problems: [`${file}${line === undefined ? '' : `:${line}`}: not valid YAML: ${first.message}${colon}`] };
  }
  const unresolved = [...unresolvedAliases(doc, lineAt), ...unquotedPlaceholders(doc, lineAt), ...textCutByComment(doc, text, lineAt)];
  if (unresolved.length > 0) return { ok: false, problems: unresolved.map(placed) };
  try {
    return { ok: true, content: doc.toJS({ maxAliasCount }), lineOf: (at) => lineOfPath(doc, lineAt, at), nodeLineOf: rememberedNodeLines(doc, lineAt) };
  } catch (error) {
    // Every alias resolves (checked above): what toJS still throws on is aliases that expand too far.
    const message = (error as Error).message;
    if (!/alias count/i.test(message)) return { ok: false, problems: [`${file}: the YAML cannot be read as data: ${message}`] };
    return { ok: false, problems: [`${file}: ${tooManyAliases(doc, lineAt)}`] };
  }
}

/**
 * lineOfPath through aliases, each path's line found once: the cross-runbook checks ask again for every runbook of the
 * folder, and each bot or CLI start in a process asks again of the same (checkedOnce) result, while following an alias
 * walks the whole document to its anchor. The document is never changed after it is read.
 */
function rememberedNodeLines(doc: Document, lineAt: LineAt): (at: DataPath) => number | undefined {
  const lines = new Map<string, number | undefined>();
  return (at) => {
    // JSON tells a key "0" from an index 0; a symbol (which it cannot spell) is looked up every time.
    if (at.some((part) => typeof part === 'symbol')) return lineOfPath(doc, lineAt, at, true);
    const key = JSON.stringify(at);
    if (!lines.has(key)) lines.set(key, lineOfPath(doc, lineAt, at, true));
    return lines.get(key);
  };
}

/** Characters that look like a space and are none to YAML: a non-breaking space (U+00A0), as a document or a chat pastes one, and its kin. */
const lookAlikeSpace = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

/**
 * Each character on the line (1-based) where the YAML broke that looks like a space and is none, said with its column:
 * YAML's own message ("Implicit map keys need to be followed by map values") points at a line that looks right.
 */
function spacesNotSpaces(text: string, line: number): string[] {
  const written = text.split('\n')[line - 1] ?? '';
  return [...written.matchAll(lookAlikeSpace)].map(
    (found) => `column ${found.index + 1} holds ${describeCharacter(found[0])}, which looks like a space but is none to YAML, so the line cannot be read: type a plain space there`,
  );
}

/**
 * What to do when the line YAML could not read is a key whose unquoted value holds ": " (advice: all good: nothing
 * fails): YAML reads that as a mapping inside the value ("Nested mappings are not allowed in compact mappings").
 */
function colonInPlainValue(text: string, line: number): string {
  const written = text.split('\n')[line - 1] ?? '';
  const value = /^\s*(?:-\s+)?[^\s:#'"][^:#]*:\s+(?!["'])(.*:(?:\s|$).*)$/.exec(written)?.[1];
  return value === undefined ? '' : `\nthe value holds ": ", which YAML reads as the start of a mapping when the value is not quoted: quote the whole value ("${value.trim().replace(/"/g, '\\"')}"), or a > folded block`;
}

/** Each alias that names no anchor set before it, as "at line N: …", with the anchors the file sets. */
function unresolvedAliases(doc: Document, lineAt: LineAt): string[] {
  const setBefore = new Set<string>();
  const anchors = new Map<string, number | undefined>();
  const aliases: { source: string; line: number | undefined }[] = [];
  // In document order, as the yaml library resolves them: an alias takes the last anchor of its name before it.
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        if (!setBefore.has(node.source)) aliases.push({ source: node.source, line: lineAt(node.range?.[0]) });
        return;
      }
      if (node.anchor === undefined) return;
      setBefore.add(node.anchor);
      if (!anchors.has(node.anchor)) anchors.set(node.anchor, lineAt(node.range?.[0]));
    },
  });
  const all = [...anchors.keys()];
  const set = all.length > 0 ? `; the anchors this file sets: ${all.map((name) => `&${name}`).join(', ')}` : '; this file sets no anchor';
  return aliases.map(({ source, line }) => {
    const where = `at line ${line ?? '?'}: the alias *${source}`;
    if (anchors.has(source)) return `${where} comes before its anchor &${source} (line ${anchors.get(source) ?? '?'}): set the anchor first`;
    return `${where} names no anchor &${source}${didYouMean(source, all)}${set}`;
  });
}

/**
 * Each {{name}} written without quotes, as "at line N: …": YAML reads it as a mapping inside a mapping, not text, and a
 * value of the wrong shape would be all the schema could say about it.
 */
function unquotedPlaceholders(doc: Document, lineAt: LineAt): string[] {
  const problems: string[] = [];
  visit(doc, {
    Map: (_key, map) => {
      if (map.flow !== true || map.items.length !== 1) return;
      const inner = map.items[0]?.key;
      if (!isMap(inner) || inner.items.length !== 1 || !isScalar(inner.items[0]?.key) || inner.items[0]?.value !== null) return;
      const name = String(inner.items[0].key.value);
      problems.push(`at line ${lineAt(map.range?.[0]) ?? '?'}: {{${name}}} is not in quotes, so YAML reads it as a mapping, not text: write "{{${name}}}"`);
    },
  });
  return problems;
}

/** Keys whose values are prose an operator reads: a " #" in them unquoted starts a comment and drops the rest. */
const proseKeys = new Set(['title', 'advice', 'description', 'summary', 'whenFailed', 'label']);

/** Each prose value written plain (unquoted) that a " #" on its line, not followed by a space, cut short, as "at line N: …". */
function textCutByComment(doc: Document, text: string, lineAt: LineAt): string[] {
  const problems: string[] = [];
  visit(doc, {
    Pair: (_key, pair) => {
      if (!isPair(pair) || !isScalar(pair.key) || !proseKeys.has(String(pair.key.value))) return;
      const value = pair.value;
      if (!isScalar(value) || value.type !== Scalar.PLAIN || !value.range) return;
      const end = value.range[1];
      const lineEnd = text.indexOf('\n', end);
      const rest = text.slice(end, lineEnd === -1 ? undefined : lineEnd);
      // "#2, but …" is text cut short; "# a note" (a space after #) is a comment written on purpose.
      const comment = /^[ \t]+#(\S.*)$/.exec(rest);
      if (!comment) return;
      problems.push(
        `at line ${lineAt(value.range[0]) ?? '?'}: the ${String(pair.key.value)} stops before " #${comment[1]}", which YAML reads as a comment, so that text is lost: put the whole text in quotes, or write it as a block (${String(pair.key.value)}: >-)`,
      );
    },
  });
  return problems;
}

/** The aliases that expanded past maxAliasCount: each anchor's uses (the most used first) and where it is first used. */
function tooManyAliases(doc: Document, lineAt: LineAt): string {
  const uses = new Map<string, { count: number; line: number | undefined }>();
  visit(doc, {
    Alias: (_key, node) => {
      const seen = uses.get(node.source);
      uses.set(node.source, { count: (seen?.count ?? 0) + 1, line: seen?.line ?? lineAt(node.range?.[0]) });
    },
  });
  const most = [...uses].sort(([, a], [, b]) => b.count - a.count).slice(0, 5);
  return (
    `the aliases expand past ${maxAliasCount} copies of an anchored part, the most a runbook may have (a guard against YAML that grows without end; ` +
    `aliases inside an anchored part are copied again with each use of it): ${most.map(([name, use]) => `*${name} used ${use.count} times from line ${use.line ?? '?'}`).join(', ')}; write some of them out`
  );
}
