// How a command printed for a person to paste into a shell names what it cannot know: no word a shell would misread.
import { shellWord } from './shell-word.js';

/**
 * The approver of a command whoever runs it approves (an `approve`, a `journal repair`): their login name, which the
 * shell fills in, as `--as` defaults to it. A value only a person can give is written `…` (as a verdict's `backup=…`),
 * never `<name>`, which a shell reads as a redirect from a file: pasted as it is, the CLI refuses it, naming it.
 */
export const yourName = '"$USER"';

/** Accepts a journal that fails verification on the record, in the name of whoever runs it. */
export const journalRepairCommand = `npm run --silent cli -- journal repair --approver ${yourName}`;

/** Checks the journal's hash chain and names the first line that fails. */
export const journalVerifyCommand = 'npm run --silent cli -- journal verify';

/** The postmortem of an incident named as a journal line reads, which may be anything: quoted where a shell would misread it. */
export const postmortemCommand = (incidentId: string): string => `npm run --silent cli -- postmortem ${shellWord(incidentId)}`;
