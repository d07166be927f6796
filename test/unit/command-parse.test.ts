// Tests the /databox command grammar (src/commands/parse.ts): parseCommand on malformed and good texts, and unescapeSlackText.
import { describe, expect, it } from 'vitest';
import { maxCommandLength, parseCommand, unescapeSlackText, type ScenarioCatalog } from '../../src/commands/parse.js';

const catalog: ScenarioCatalog = { duckdb: ['a', 'b'], 'disk-full': ['a'] };

interface Malformed {
  text: string;
  error: RegExp;
  /** A line the usage must show: the verb's own usage, or the whole list for an unknown verb. */
  usage: string;
}

const diagnoseUsage = '/databox diagnose duckdb|disk-full [key=value …] [incident=<id>]';
const recoverUsage = '/databox recover duckdb|disk-full [path=<id>] [key=value …] [incident=<id>]';

const malformed: Malformed[] = [
  { text: 'frobnicate duckdb', error: /^unknown command "frobnicate"$/, usage: '/databox postmortem <incident-id>' },
  { text: 'DIAGNOSIS duckdb', error: /^unknown command "DIAGNOSIS" \(did you mean "diagnose"\?\)$/, usage: diagnoseUsage },
  { text: 'diagnose', error: /^which scenario\? One of: duckdb, disk-full$/, usage: diagnoseUsage },
  // A character nobody can see, pasted with a word, is named: the refusal would otherwise repeat what looks right.
  { text: 'status\u200b', error: /^unknown command "status\u200b" \(it contains a zero-width space \(U\+200B\) after "status"\) \(did you mean "status"\?\)$/, usage: '/databox status' },
  { text: 'unlock dbx-20260420-3fa2', error: /^"dbx-20260420-3fa2" is not a run id \(they look like dbx-20260420-3fa2\/2\): that is an incident; its plans are dbx-20260420-3fa2\/1, dbx-20260420-3fa2\/2 … \(each plan's message shows its own\)$/, usage: '/databox unlock <run-id>' },
  // Runs are numbered from 1, without leading zeros: /01 would name no run /1 is.
  { text: 'unlock dbx-20260420-3fa2/0', error: /^"dbx-20260420-3fa2\/0" is not a run id/, usage: '/databox unlock <run-id>' },
  { text: 'unlock dbx-20260420-3fa2/01', error: /^"dbx-20260420-3fa2\/01" is not a run id/, usage: '/databox unlock <run-id>' },
  { text: 'unlock dbx-20260420-3fa2/2\u200b', error: /^"dbx-20260420-3fa2\/2\u200b" \(it contains a zero-width space \(U\+200B\) after "[^"]+"\) is not a run id/, usage: '/databox unlock <run-id>' },

  { text: 'diagnose postgres', error: /^unknown scenario "postgres": known scenarios are duckdb, disk-full$/, usage: diagnoseUsage },
  { text: 'diagnose duckbd', error: /^unknown scenario "duckbd" \(did you mean "duckdb"\?\): known scenarios are duckdb, disk-full$/, usage: diagnoseUsage },
  { text: 'diagnose constructor', error: /^unknown scenario "constructor"/, usage: diagnoseUsage },
  { text: 'recover toString', error: /^unknown scenario "toString"/, usage: recoverUsage },
  { text: 'recover duckdb path=c', error: /^path=c is not a recovery path of duckdb: use path=a or path=b$/, usage: recoverUsage },
  { text: 'recover disk-full path=b', error: /^path=b is not a recovery path of disk-full: use path=a$/, usage: recoverUsage },
  { text: 'diagnose duckdb backup', error: /^"backup" is not a key=value parameter$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb =x', error: /^"=x" is not a key=value parameter$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb Back-up=x', error: /^"back-up" is not a parameter name$/, usage: diagnoseUsage },
  // Both ways it was typed are quoted, so the one to keep can be seen, whatever its case or value.
  { text: 'diagnose duckdb day=2026-04-18 day=2026-04-19', error: /^day is given twice \(day=2026-04-18, day=2026-04-19\): keep one$/, usage: diagnoseUsage },
  { text: 'recover duckdb path=a path=b', error: /^path is given twice \(path=a, path=b\): keep one$/, usage: recoverUsage },
  { text: 'recover duckdb path=a PATH=b', error: /^path is given twice \(path=a, PATH=b\): keep one$/, usage: recoverUsage },
  { text: 'recover duckdb path=a path=a', error: /^path is given twice \(path=a, path=a\): keep one$/, usage: recoverUsage },
  // Nothing given would read as the parameter left out: a plain diagnosis, a new incident.
  { text: 'diagnose duckdb at=', error: /^at= gives no value: give one \(at=…\), or leave at out$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb snapshot="   "', error: /^snapshot="   " gives no value \(only spaces\): give one \(snapshot=…\), or leave snapshot out$/, usage: diagnoseUsage },
  // Shell metacharacters: never run by a shell, and never accepted either.
  { text: 'diagnose duckdb $(rm -rf /)', error: /^"\$\(rm" is not a key=value parameter$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb backup="$(rm -rf /)"', error: /^backup=\$\(rm -rf \/\) contains shell metacharacters/, usage: diagnoseUsage },
  { text: 'diagnose duckdb backup=`reboot`', error: /^backup=`reboot` contains shell metacharacters/, usage: diagnoseUsage },
  { text: 'diagnose duckdb; rm -rf /', error: /^unknown scenario "duckdb;"/, usage: diagnoseUsage },
  { text: 'diagnose duckdb day=2026-04-18;reboot', error: /^day=2026-04-18;reboot contains shell metacharacters/, usage: diagnoseUsage },
  { text: 'diagnose duckdb | cat /etc/passwd', error: /^"\|" is not a key=value parameter$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb backup=a|b', error: /^backup=a\|b contains shell metacharacters/, usage: diagnoseUsage },
  // Slack sends & < > escaped; they are unescaped first, then refused.
  { text: 'diagnose duckdb &amp;&amp; reboot', error: /^"&&" is not a key=value parameter$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb backup=x&amp;reboot', error: /^backup=x&reboot contains shell metacharacters/, usage: diagnoseUsage },
  { text: 'diagnose duckdb &gt; /tmp/out', error: /^">" is not a key=value parameter$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb backup=&lt;/etc/passwd', error: /^backup=<\/etc\/passwd contains shell metacharacters/, usage: diagnoseUsage },
  { text: 'recover duckdb path=b backup="/backups/my db.duckdb', error: /^a double quote is not closed$/, usage: '/databox diagnose' },
  { text: "recover duckdb path=b backup='/backups/db.duckdb'", error: /^backup='\/backups\/db\.duckdb' is in single quotes, which would be part of the value: give it bare or in double quotes, backup=\/backups\/db\.duckdb$/, usage: '/databox recover' },
  { text: 'diagnose duckdb at=\u20182026-04-20\u2019', error: /^at=\u20182026-04-20\u2019 is in single quotes/, usage: '/databox diagnose' },
  { text: `diagnose duckdb note=${'x'.repeat(10_000)}`, error: /^the command is 10021 characters long; at most 1000 are accepted$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb\u0000', error: /^the command contains an invisible control character \(U\+0000\)$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb day=\u0007', error: /^the command contains an invisible control character \(U\+0007\)$/, usage: diagnoseUsage },
  { text: 'diagnose \u001b[31mduckdb', error: /^the command contains an invisible control character \(U\+001B\)$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb\r\nrecover duckdb', error: /^the command contains a carriage return$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb\u007f', error: /^the command contains an invisible control character \(U\+007F\)$/, usage: diagnoseUsage },
  { text: 'status now', error: /^"status" takes nothing after it$/, usage: '/databox status' },
  { text: 'postmortem', error: /^which incident\?/, usage: '/databox postmortem <incident-id>' },
  { text: 'postmortem 42', error: /^"42" is not an incident id \(they look like dbx-20260420-3fa2\)$/, usage: '/databox postmortem <incident-id>' },
  { text: 'postmortem dbx-20260420-3fa2 now', error: /^unexpected "now" after the incident id$/, usage: '/databox postmortem <incident-id>' },
  // Nearly an incident id (a plan's run id, or in capitals): said so, with the id to type, as a quoted id's hint gives it.
  { text: 'postmortem dbx-20261205-e0a7/1', error: /^"dbx-20261205-e0a7\/1" is a plan's run id, not an incident id: give its incident's, \/databox postmortem dbx-20261205-e0a7$/, usage: '/databox postmortem <incident-id>' },
  { text: 'postmortem DBX-20261205-E0A7', error: /^"DBX-20261205-E0A7" is in capitals: incident ids are lower case, \/databox postmortem dbx-20261205-e0a7$/, usage: '/databox postmortem <incident-id>' },
  { text: 'diagnose duckdb incident=dbx-20261205-e0a7/1', error: /^incident=dbx-20261205-e0a7\/1 is a plan's run id, not an incident id: give its incident's, incident=dbx-20261205-e0a7$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb incident=DBX-20261205-E0A7', error: /^incident=DBX-20261205-E0A7 is in capitals: incident ids are lower case, incident=dbx-20261205-e0a7$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb incident=DBX-20261205-E0A7/2', error: /^incident=DBX-20261205-E0A7\/2 is a plan's run id in capitals, not an incident id: give its incident's, incident=dbx-20261205-e0a7$/, usage: diagnoseUsage },
  { text: "diagnose duckdb incident='dbx-20261205-e0a7'", error: /^incident='dbx-20261205-e0a7' is in single quotes, which would be part of the value: give it bare or in double quotes, incident=dbx-20261205-e0a7$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb incident=\u2018dbx-20261205-e0a7\u2019', error: /^incident=\u2018dbx-20261205-e0a7\u2019 is in single quotes, which would be part of the value: give it bare or in double quotes, incident=dbx-20261205-e0a7$/, usage: diagnoseUsage },
  { text: 'unlock', error: /^which plan\? Give its run id/, usage: '/databox unlock <run-id>' },
  { text: 'unlock dbx-20260420-3fa2/2 now', error: /^unexpected "now" after the run id$/, usage: '/databox unlock <run-id>' },
  // The help's own placeholders, copied as they are: said as placeholders, with what to put, not as metacharacters.
  { text: 'recover duckdb path=b backup=&lt;path&gt;', error: /^backup=<path> is the help's placeholder: put the path itself in its place, without the < >$/, usage: recoverUsage },
  { text: 'diagnose duckdb incident=&lt;id&gt;', error: /^incident=<id> is the help's placeholder: put an incident's id in its place \(they look like dbx-20260420-3fa2, on each incident's first message\), or leave incident= out to open a new incident$/, usage: diagnoseUsage },
  // The runbooks' placeholder for a day (DATABOX_BACKFILL_END=<yesterday>), from Slack (escaped) and from the terminal
  // (as typed): before, the terminal's was unwrapped as a Slack link, "from=yesterday is not a date", and Slack's said
  // "put the yesterday itself in its place".
  { text: 'diagnose duckdb from=&lt;yesterday&gt;', error: /^from=<yesterday> is a placeholder for a day: type the date itself in its place, as YYYY-MM-DD \(from=2026-04-18\), without the < >$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb to=<yesterday>', error: /^to=<yesterday> is a placeholder for a day: type the date itself in its place, as YYYY-MM-DD \(to=2026-04-18\), without the < >$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb incident=&lt;dbx-20261205-abcd&gt;', error: /^incident=<dbx-20261205-abcd>: leave out the < > \(the help's mark of a placeholder\): incident=dbx-20261205-abcd$/, usage: diagnoseUsage },
  { text: 'diagnose duckdb source=ebird|noaa|usgs', error: /^source=ebird\|noaa\|usgs lists the values to choose from, as the help writes them: pick one, source=ebird$/, usage: diagnoseUsage },
  // The whole command in quotes or code marks, or pasted with its /databox: the way out, with the command meant.
  { text: '\u201cdiagnose duckdb\u201d', error: /^the command is in double quotes, which make it one word: leave them out, \/databox diagnose duckdb$/, usage: diagnoseUsage },
  { text: '"diagnose duckdb" incident=dbx-20260420-3fa2', error: /^the command is in double quotes, which make it one word: leave them out, \/databox diagnose duckdb incident=dbx-20260420-3fa2$/, usage: diagnoseUsage },
  { text: '"diagnose duckdb"', error: /^the command is in double quotes, which make it one word: leave them out, \/databox diagnose duckdb$/, usage: diagnoseUsage },
  // Single quotes, curly as macOS and Slack type them or straight: the same way out, the command meant.
  { text: '\u2018diagnose duckdb\u2019 incident=dbx-20260420-3fa2', error: /^the command is in single quotes \(curly ones, \u2018 \u2019, as macOS and Slack type them\), which are not the grammar's: leave them out, \/databox diagnose duckdb incident=dbx-20260420-3fa2$/, usage: diagnoseUsage },
  { text: "'diagnose duckdb incident=dbx-20260420-3fa2'", error: /^the command is in single quotes, which are not the grammar's: leave them out, \/databox diagnose duckdb incident=dbx-20260420-3fa2$/, usage: diagnoseUsage },
  // Only the quotes around the first words go: a value's own quotes, which keep its space, stay.
  { text: '"diagnose motherduck" at="2026-04-20 12:00:00"', error: /^the command is in double quotes, which make it one word: leave them out, \/databox diagnose motherduck at="2026-04-20 12:00:00"$/, usage: diagnoseUsage },
  { text: '`diagnose duckdb`', error: /^the command is in backticks \(Slack's code marks\): leave them out, \/databox diagnose duckdb$/, usage: diagnoseUsage },
  { text: '```diagnose duckdb```', error: /^the command is in backticks \(Slack's code marks\): leave them out, \/databox diagnose duckdb$/, usage: diagnoseUsage },
  { text: '/databox diagnose duckdb', error: /^leave out "\/databox": it is the command itself, typed already; type \/databox diagnose duckdb$/, usage: diagnoseUsage },
  // Help asked for in a scenario's place.
  { text: 'diagnose help', error: /^for help, type \/databox help \(or \/databox help diagnose\)$/, usage: diagnoseUsage },
  { text: 'recover --help', error: /^for help, type \/databox help \(or \/databox help recover\)$/, usage: recoverUsage },
  // A path given without its key.
  { text: 'recover duckdb path a', error: /^"path a": a path is given as path=a$/, usage: recoverUsage },
  { text: 'recover duckdb B', error: /^"B" is not a key=value parameter: to choose path b, write path=b$/, usage: recoverUsage },
  { text: 'recover duckdb path=b backup=/backups/my a', error: /^"a" is not a key=value parameter; a value with spaces goes in double quotes: backup="\/backups\/my a"$/, usage: recoverUsage },
  // A value that cannot hold a space (an incident id, a path's letter, a day): the word after it is no part of it.
  {
    text: 'validate duckdb incident=dbx-20261205-6aff extra',
    error: /^"extra" is not a key=value parameter, nor part of incident=dbx-20261205-6aff \(an incident id has no spaces\): leave it out, or give it as <name>=<value> with a parameter of the command$/,
    usage: '/databox validate duckdb|disk-full [key=value …] [incident=<id>]',
  },
  { text: 'recover duckdb path=a now', error: /^"now" is not a key=value parameter, nor part of path=a \(a path's name has no spaces\): leave it out/, usage: recoverUsage },
  { text: 'diagnose duckdb from=2026-12-01 to=2026-12-04 please', error: /^"please" is not a key=value parameter, nor part of to=2026-12-04 \(a day has no spaces\): leave it out/, usage: diagnoseUsage },
  { text: 'validate duckdb incident=dbx-1', error: /^incident=dbx-1 is not an incident id/, usage: '/databox validate duckdb|disk-full [key=value …] [incident=<id>]' },
];

describe('malformed commands', () => {
  it.each(malformed)('refuses $text', ({ text, error, usage }) => {
    const result = parseCommand(text, catalog);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(error);
    expect(result.usage.startsWith('Usage:')).toBe(true);
    expect(result.usage).toContain(usage);
  });

  it('clips a very long offending token in the error', () => {
    const result = parseCommand(`diagnose ${'y'.repeat(200)}`, catalog);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe(`unknown scenario "${'y'.repeat(57)}…": known scenarios are duckdb, disk-full`);
  });

  it('shows the whole usage for an unknown verb and one line for a known one', () => {
    const unknown = parseCommand('frobnicate', catalog);
    const known = parseCommand('diagnose', catalog);
    expect(unknown.ok || known.ok).toBe(false);
    if (unknown.ok || known.ok) return;
    expect(unknown.usage.split('\n')).toHaveLength(8);
    for (const verb of ['help', 'diagnose', 'recover', 'validate', 'status', 'postmortem', 'unlock']) expect(unknown.usage).toContain(`/databox ${verb}`);
    expect(known.usage).toBe(`Usage: ${diagnoseUsage}`);
  });

  it(`accepts exactly ${maxCommandLength} characters and refuses one more`, () => {
    const prefix = 'diagnose duckdb note=';
    expect(parseCommand(prefix + 'x'.repeat(1_000 - prefix.length), catalog).ok).toBe(true);
    expect(parseCommand(prefix + 'x'.repeat(1_001 - prefix.length), catalog).ok).toBe(false);
  });
});

describe('good commands', () => {
  it.each(['', '   ', 'help'])('%j asks for help', (text) => {
    expect(parseCommand(text, catalog)).toEqual({ ok: true, command: { verb: 'help' } });
  });

  it.each([['help diagnose', 'diagnose'], ['Help me', 'me']])('%j asks for help about %j', (text, about) => {
    expect(parseCommand(text, catalog)).toEqual({ ok: true, command: { verb: 'help', about } });
  });

  it('parses status', () => {
    expect(parseCommand('  status ', catalog)).toEqual({ ok: true, command: { verb: 'status' } });
  });

  it('parses diagnose with no parameters', () => {
    expect(parseCommand('diagnose duckdb', catalog)).toEqual({
      ok: true,
      command: { verb: 'diagnose', scenario: 'duckdb', params: {}, incident: undefined },
    });
  });

  it('leaves a recover without path= to the engine, which knows what the incident\'s verdict offered', () => {
    const result = parseCommand('recover duckdb', catalog);
    expect(result).toEqual({ ok: true, command: { verb: 'recover', scenario: 'duckdb', params: {}, incident: undefined } });
    expect(result.ok && result.command.verb === 'recover' ? result.command.path : 'not a recover').toBeUndefined();
  });

  it('keeps a double-quoted value with spaces together and takes path and incident out of the parameters', () => {
    expect(parseCommand('recover duckdb path=b backup="/backups/my db.duckdb" incident=dbx-20260420-3fa2', catalog)).toEqual({
      ok: true,
      command: { verb: 'recover', scenario: 'duckdb', path: 'b', params: { backup: '/backups/my db.duckdb' }, incident: 'dbx-20260420-3fa2' },
    });
  });

  it('reads the words of the grammar in any case (a phone capitalises the first), values as typed', () => {
    expect(parseCommand('Diagnose DuckDB', catalog)).toEqual({ ok: true, command: { verb: 'diagnose', scenario: 'duckdb', params: {}, incident: undefined } });
    expect(parseCommand('RECOVER duckdb PATH=B Backup=/Backups/DB.duckdb', catalog)).toEqual({
      ok: true,
      command: { verb: 'recover', scenario: 'duckdb', path: 'b', params: { backup: '/Backups/DB.duckdb' }, incident: undefined },
    });
  });

  it('says how to quote a value with spaces when single quotes or a backslash split it', () => {
    // Refused as single quotes, as a one-word value in them is, with the value in double quotes, under its own parameter.
    for (const [text, typed, meant] of [
      ["recover duckdb path=b backup='/backups/my db.duckdb'", "backup='/backups/my db.duckdb'", 'backup="/backups/my db.duckdb"'],
      ['recover duckdb path=b backup=\u2018/backups/my db.duckdb\u2019', 'backup=\u2018/backups/my db.duckdb\u2019', 'backup="/backups/my db.duckdb"'],
      ["diagnose duckdb at='2026-12-04 05:00:00'", "at='2026-12-04 05:00:00'", 'at="2026-12-04 05:00:00"'],
      ["recover duckdb path=a snapshot='pre mart rewrite' incident=dbx-20260420-3fa2", "snapshot='pre mart rewrite'", 'snapshot="pre mart rewrite"'],
      ['diagnose duckdb snapshot=\u2018pre mart rewrite\u2019', 'snapshot=\u2018pre mart rewrite\u2019', 'snapshot="pre mart rewrite"'],
    ]) {
      const result = parseCommand(text as string, catalog);
      expect(result.ok ? 'parsed' : result.error, text).toBe(`${typed} is in single quotes, which would be part of the value: give it in double quotes, ${meant}`);
    }
    // Never another command's parameter as the example: the one typed, or none known.
    const unclosed = parseCommand("diagnose duckdb snapshot='pre mart rewrite", catalog);
    expect(unclosed.ok ? 'parsed' : unclosed.error).toBe('"mart" is not a key=value parameter; a value with spaces goes in double quotes: snapshot="pre mart rewrite"');
    const keyless = parseCommand("diagnose duckdb 'pre mart rewrite'", catalog);
    expect(keyless.ok ? 'parsed' : keyless.error).toBe(`"'pre" is not a key=value parameter; a value goes after its parameter's name, in double quotes when it has spaces: <name>="pre mart rewrite"`);
    // A shell's backslash before a space: named, with the value as it was meant.
    const escaped = parseCommand('recover duckdb path=b backup=/backups/my\\ old\\ db.duckdb', catalog);
    expect(escaped.ok ? 'parsed' : escaped.error).toBe(
      '"old\\" is not a key=value parameter; a backslash before a space does not keep it in the value (no shell reads the command): write the value in double quotes, backup="/backups/my old db.duckdb"',
    );
    const plain = parseCommand('recover duckdb now', catalog);
    expect(plain.ok ? 'parsed' : plain.error).toBe('"now" is not a key=value parameter');
  });

  // Each way of putting spaces around "=": the pair meant, written whole; never the space quoted into the value.
  it.each([
    ['recover duckdb path= a incident=dbx-20260420-3fa2', '"path= a": no spaces around `=`: write `path=a`'],
    ['recover duckdb path=b backup= /backups/x.duckdb', '"backup= /backups/x.duckdb": no spaces around `=`: write `backup=/backups/x.duckdb`'],
    ['diagnose duckdb source = ebird', '"source = ebird": no spaces around `=`: write `source=ebird`'],
    ['recover duckdb path =a', '"path =a": no spaces around `=`: write `path=a`'],
    ['diagnose duckdb at= 2026-12-01 12:00:00 note=x', '"at= 2026-12-01 12:00:00": no spaces around `=`: write `at="2026-12-01 12:00:00"`'],
    ['recover duckdb path=b backup= "/backups/my db.duckdb"', '"backup= /backups/my db.duckdb": no spaces around `=`: write `backup="/backups/my db.duckdb"`'],
    // Spaces around every "=": the next key is not taken into the value.
    ['diagnose duckdb source = ebird from = 2026-04-01 to = 2026-04-03', '"source = ebird": no spaces around `=`: write `source=ebird`'],
    ['diagnose duckdb source =ebird from =2026-04-01', '"source =ebird": no spaces around `=`: write `source=ebird`'],
  ])('says %j has spaces around "=", with the pair meant', (text, error) => {
    const result = parseCommand(text, catalog);
    expect(result.ok ? 'parsed' : result.error).toBe(error);
  });

  it('says nothing of spaces around "=" where the words around it are not a key and a value', () => {
    for (const [text, error] of [
      ['diagnose duckdb source =', '"source" is not a key=value parameter'],
      ['diagnose duckdb source = from=2026-04-18', '"source" is not a key=value parameter'],
      ['diagnose duckdb =x', '"=x" is not a key=value parameter'],
    ]) {
      const result = parseCommand(text as string, catalog);
      expect(result.ok ? 'parsed' : result.error, text).toBe(error);
    }
  });

  it('names a hidden character in a recovery path it does not know', () => {
    const result = parseCommand('recover duckdb path=b\u200b', catalog);
    expect(result.ok ? 'parsed' : result.error).toBe('path=b\u200b (it contains a zero-width space (U+200B) after "b") is not a recovery path of duckdb: use path=a or path=b');
  });

  it('suggests the command meant by a typo', () => {
    const typo = parseCommand('recovr duckdb path=a', catalog);
    expect(typo.ok ? 'parsed' : typo.error).toBe('unknown command "recovr" (did you mean "recover"?)');
  });

  it('says how to quote a value typed bare with a space in it, with the value as typed', () => {
    const bare = parseCommand('recover duckdb path=b backup=/backups/my db.duckdb', catalog);
    expect(bare.ok ? 'parsed' : bare.error).toBe('"db.duckdb" is not a key=value parameter; a value with spaces goes in double quotes: backup="/backups/my db.duckdb"');
    const moment = parseCommand('diagnose duckdb at=2026-12-01 12:00:00 UTC note=x', catalog);
    expect(moment.ok ? 'parsed' : moment.error).toBe('"12:00:00" is not a key=value parameter; a value with spaces goes in double quotes: at="2026-12-01 12:00:00 UTC"');
  });

  it('refuses a double quote inside a value, naming the parameter and the value it would otherwise have read, never dropping it silently', () => {
    const refused = (text: string) => {
      const result = parseCommand(text, catalog);
      return result.ok ? `parsed as ${JSON.stringify(result.command)}` : result.error;
    };
    const rest = 'no value can hold one.';
    expect(refused('diagnose duckdb snapshot=a"b"c')).toBe(
      `snapshot=a"b"c has a double quote inside its value: double quotes go only around a whole value, snapshot="…", and ${rest} Type snapshot=abc if that is the value meant (a name that holds a double quote, a named snapshot's say, is renamed first)`,
    );
    expect(refused('diagnose duckdb snapshot="with "double" quotes"')).toBe(
      `snapshot="with "double" quotes" has a double quote inside its value: double quotes go only around a whole value, snapshot="…", and ${rest} Type snapshot="with double quotes" if that is the value meant (a name that holds a double quote, a named snapshot's say, is renamed first)`,
    );
    expect(refused('diagnose duckdb snapshot="a""b"')).toMatch(/^snapshot="a""b" has a double quote inside its value: .* Type snapshot=ab if that is the value meant/);
    expect(refused('diagnose duckdb at="2026-04-20 12:00:00"x')).toMatch(/^at="2026-04-20 12:00:00"x has a double quote inside its value: .* Type at="2026-04-20 12:00:00x" if that is the value meant/);
    // Curly ones too, and a quote around the name: the word is named as typed.
    expect(refused('diagnose duckdb snapshot=\u201ca\u201db')).toMatch(/^snapshot=\u201ca\u201db has a double quote inside its value: /);
    expect(refused('diagnose duckdb "from"=2026-04-18')).toMatch(/^"from"=2026-04-18 has a double quote inside its value: /);
    // Around a whole value (or the whole pair), quotes are the grammar's: taken out, nothing refused.
    expect(refused('diagnose duckdb at="2026-04-20 12:00:00" note=x')).toMatch(/^parsed as .*"at":"2026-04-20 12:00:00","note":"x"/);
    expect(refused('diagnose duckdb "note=a b"')).toMatch(/^parsed as .*"note":"a b"/);
  });

  it('takes the curly quotes Slack on macOS types for straight ones', () => {
    expect(parseCommand('recover duckdb path=b backup=\u201c/backups/my db.duckdb\u201d', catalog)).toEqual({
      ok: true,
      command: { verb: 'recover', scenario: 'duckdb', path: 'b', params: { backup: '/backups/my db.duckdb' } },
    });
  });

  it('parses validate with an incident', () => {
    expect(parseCommand('validate duckdb incident=dbx-20260420-3fa2', catalog)).toEqual({
      ok: true,
      command: { verb: 'validate', scenario: 'duckdb', params: {}, incident: 'dbx-20260420-3fa2' },
    });
  });

  it('parses postmortem', () => {
    expect(parseCommand('postmortem dbx-20260420-3fa2', catalog)).toEqual({
      ok: true,
      command: { verb: 'postmortem', incident: 'dbx-20260420-3fa2' },
    });
  });

  it('parses unlock', () => {
    expect(parseCommand('unlock dbx-20260420-3fa2/12', catalog)).toEqual({ ok: true, command: { verb: 'unlock', run: 'dbx-20260420-3fa2/12' } });
  });

  it('splits on tabs, newlines and runs of spaces', () => {
    expect(parseCommand('diagnose\tduckdb \n  day=2026-04-18', catalog)).toEqual({
      ok: true,
      command: { verb: 'diagnose', scenario: 'duckdb', params: { day: '2026-04-18' }, incident: undefined },
    });
  });

  it('leaves checking parameter names to the runbook, even names that are properties of every object', () => {
    expect(parseCommand('diagnose duckdb constructor=1 day=2026-04-18', catalog)).toEqual({
      ok: true,
      command: { verb: 'diagnose', scenario: 'duckdb', params: { constructor: '1', day: '2026-04-18' }, incident: undefined },
    });
  });

  it('keeps an empty value (which parameter validation then treats as missing)', () => {
    const result = parseCommand('recover duckdb path=b backup=""', catalog);
    expect(result).toEqual({ ok: true, command: { verb: 'recover', scenario: 'duckdb', path: 'b', params: { backup: '' }, incident: undefined } });
  });

  it('tells a parameter given empty from one left out, quoted or not, so a recover can refuse what the diagnosis would fill', () => {
    const params = (text: string) => {
      const result = parseCommand(text, catalog);
      return result.ok && result.command.verb === 'recover' ? result.command.params : undefined;
    };
    expect(params('recover duckdb path=b schedules= incident=dbx-20260420-3fa2')).toEqual({ schedules: '' });
    expect(params('recover duckdb path=b schedules="" incident=dbx-20260420-3fa2')).toEqual({ schedules: '' });
    expect(params('recover duckdb path=b schedules=\u201c\u201d incident=dbx-20260420-3fa2')).toEqual({ schedules: '' });
    expect(params('recover duckdb path=b incident=dbx-20260420-3fa2')).toEqual({});
  });
});

describe('unescapeSlackText', () => {
  it('undoes &amp; &lt; &gt;, &amp; last so a literal "&lt;" survives', () => {
    expect(unescapeSlackText('a &lt;b&gt; &amp; c')).toBe('a <b> & c');
    expect(unescapeSlackText('&amp;lt;')).toBe('&lt;');
  });

  it('unwraps auto-formatted links to their visible text', () => {
    expect(unescapeSlackText('backup=<http://backups.example/b.duckdb|backups.example/b.duckdb>')).toBe('backup=backups.example/b.duckdb');
    expect(unescapeSlackText('<mailto:ops@example.com|ops@example.com>')).toBe('ops@example.com');
    expect(unescapeSlackText('<https://example.com>')).toBe('https://example.com');
    expect(unescapeSlackText('source=<@U0EVIL> <#C0GENERAL|general> <!here>')).toBe('source=@U0EVIL general !here');
  });

  it('leaves what Slack never wraps (a placeholder typed at the terminal) in its brackets', () => {
    expect(unescapeSlackText('from=<yesterday> backup=<path>')).toBe('from=<yesterday> backup=<path>');
  });
});
