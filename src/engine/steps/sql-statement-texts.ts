// The statements of SQL text exactly as written (comments and literals untouched), split on the semicolons between them: what a multi-statement step runs one by one.
import { sqlSegments } from './sql-segments.js';

/** Each statement's text as written, to run as it is; a part holding only spaces and comments is no statement. */
export function sqlStatementTexts(sql: string): string[] {
  const statements: string[] = [];
  let text = '';
  let hasCode = false;
  const end = () => {
    if (hasCode) statements.push(text.trim());
    text = '';
    hasCode = false;
  };
  for (const segment of sqlSegments(sql)) {
    if (segment.kind !== 'code') {
      text += segment.text;
      hasCode ||= segment.kind !== 'comment';
      continue;
    }
    const [first = '', ...rest] = segment.text.split(';');
    text += first;
    hasCode ||= first.trim() !== '';
    for (const after of rest) {
      end();
      text = after;
      hasCode = after.trim() !== '';
    }
  }
  end();
  return statements;
}
