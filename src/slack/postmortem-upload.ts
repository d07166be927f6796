// Builds an incident's postmortem from the journal, writes it under <state dir>/postmortems/<id>.md, and hands back its
// upload into the incident's Slack thread as a Markdown file.
import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { incidentIdPattern } from '../commands/parse.js';
import { UserError } from '../errors.js';
import type { IncidentService } from '../incidents/service.js';
import { damageWords } from '../postmortem/past-the-damage.js';
import { earlierKeptWords, writePostmortem, type WritePostmortemOptions, type WrittenPostmortem } from '../postmortem/write-postmortem.js';
import type { Redactor } from '../redact.js';
import type { WorkQueue } from '../work-queue.js';
import { incidentThread } from './slack-refs.js';
import type { UploadsUnderWay } from './uploads-under-way.js';
import type { Logger } from '../logger.js';
import { cli } from '../commands/terminal-commands.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface DeliveredPostmortem {
  file: string;
  /** Why it is not on the bot's disk (a full or read-only state dir): uploaded from memory all the same. */
  unwritten?: string;
  /** Where the postmortem written before went, set aside as it differed, and what of it this one keeps (earlierKeptWords). */
  earlier?: string;
  /** When the same document was uploaded to the same place, which it therefore was not again (ISO time). */
  unchangedSince?: string;
  /** When the same document's upload to the same place began, which Slack has not answered yet (ISO time). */
  uploadingSince?: string;
  /** Where it was uploaded: the incident's thread, or the channel it was asked for from when the incident has no thread. */
  channel?: string;
  threadTs?: string;
  problemLine?: number;
}

/** What a postmortem asked for again unchanged is said to have done: nothing, since when (or since when it is going). */
export function unchangedSinceText(delivered: Pick<DeliveredPostmortem, 'unchangedSince' | 'uploadingSince'>): string | undefined {
  if (delivered.uploadingSince) return `is being uploaded (since ${delivered.uploadingSince.slice(11, 16)} UTC; Slack has not answered yet), so it was not uploaded again`;
  if (delivered.unchangedSince) return `has not changed since it was uploaded at ${delivered.unchangedSince.slice(11, 16)} UTC, so it was not uploaded again`;
  return undefined;
}

/**
 * What became of a postmortem whose upload Slack refused in the incident's channel (archived, the bot removed), said to
 * whoever asked from elsewhere: where it was written, named in the state dir as a step's output is (the server's paths
 * stay out of Slack), and the terminal's command that prints it, as the thread cannot show it.
 */
export function notUploadedNote(incidentId: string, written: Pick<DeliveredPostmortem, 'unwritten'>): string {
  const disk = written.unwritten
    ? `It could not be written on the bot's disk either: ${escapeMrkdwn(written.unwritten)}`
    : `The postmortem was written on the bot's disk (\`postmortems/${incidentId}.md\` in the state dir)`;
  return `${disk}. At the bot's host, \`${cli} postmortem ${incidentId}\` prints it.`;
}

/**
 * The digest of the postmortem last uploaded for each incident and place, per bot: asked for again unchanged (a
 * double click, several people at once), it is not uploaded again, which would notify the thread's followers each time.
 */
const uploaded = new WeakMap<IncidentService, Map<string, { digest: string; at: string; going?: boolean }>>();

/** A postmortem built and written, and what uploads it into Slack: none when it needs no upload (unchanged since). */
export interface PreparedPostmortem {
  delivered: DeliveredPostmortem;
  upload?: (client: WebClient) => Promise<void>;
}

/**
 * Builds and writes an incident's postmortem (`fallbackChannel` serves an incident opened at a terminal), marking its
 * upload as going. The upload is handed back, not made: a job builds the document in a worker, and the upload, which
 * Slack may leave unanswered for minutes, is waited for outside the workers.
 */
export function preparePostmortem(deps: { service: IncidentService; redact: Redactor }, incidentId: string, fallbackChannel?: string): PreparedPostmortem {
  if (!incidentIdPattern.test(incidentId)) throw new UserError('this is not an incident id; nothing was written');
  const incident = deps.service.incident(incidentId);
  const { config } = deps.service;
  const runbooks = new Map(deps.service.scenarios().map((rb) => [rb.id, rb]));
  const written = writeOrSayWhyNot(deps.service, { stateDir: config.stateDir, runbooks, root: config.databoxRoot, incidentId, redact: deps.redact, writtenAt: deps.service.now() });
  const problem = written.journal.verify.problem;
  const thread = incidentThread(incident);
  const channel = thread?.channel ?? fallbackChannel;
  const place = `${incidentId} ${channel ?? ''} ${thread?.ts ?? ''}`;
  const digest = createHash('sha256').update(written.markdown).digest('hex');
  const places = uploaded.get(deps.service) ?? new Map<string, { digest: string; at: string; going?: boolean }>();
  uploaded.set(deps.service, places);
  const last = places.get(place);
  const delivered = { file: written.file, ...unwrittenOf(written), ...earlierOf(written), channel, threadTs: thread?.ts, problemLine: problem?.line };
  if (channel && last?.digest === digest) return { delivered: { ...delivered, ...(last.going ? { uploadingSince: last.at } : { unchangedSince: last.at }) } };
  if (!channel) return { delivered };
  // Taken before the upload, so a second click while it goes finds it (and is told it is going, not that it is in the
  // thread); given back if the upload fails.
  const going = { digest, at: new Date().toISOString(), going: true };
  places.set(place, going);
  const comment =
    `Postmortem of incident ${incidentId}, built from the journal: timeline, verdict, recovery, validation and timings. ` +
    'The "Root cause" and "Follow-ups" sections are for you to fill in.' +
    (problem ? ` Warning: ${damageWords(problem, written.journal.lineCount)}.` : '');
  const common = {
    content: written.markdown,
    filename: `${incidentId}-postmortem.md`,
    title: `Postmortem ${incidentId}: ${incident.title}`,
    initial_comment: deps.redact(comment),
  };
  const upload = async (client: WebClient) => {
    try {
      await client.files.uploadV2(thread ? { ...common, channel_id: channel, thread_ts: thread.ts } : { ...common, channel_id: channel });
      if (places.get(place) === going) places.set(place, { digest, at: going.at });
    } catch (error) {
      if (last) places.set(place, last);
      else places.delete(place);
      throw error;
    }
  };
  return { delivered, upload };
}

/**
 * Queues an incident's postmortem: built and written in a worker, then uploaded outside the workers (followed by
 * `uploads`), so a Slack that leaves uploads unanswered holds no worker from the diagnoses and plans queued behind it.
 * `told` says where it is once uploaded (or that it needed no upload); `failed` says why not, given what was written when
 * it is the upload that failed (the document is on the bot's disk, where it was asked for); `onStart` (the typed command's
 * queued note) is called as a worker takes the job (within this call when one is free). Throws when the queue is full.
 */
export function queuePostmortem(
  deps: { service: IncidentService; redact: Redactor; queue: WorkQueue; uploads: UploadsUnderWay; logger: Logger },
  client: WebClient,
  incidentId: string,
  fallbackChannel: string | undefined,
  told: (delivered: DeliveredPostmortem) => Promise<void>,
  failed: (error: unknown, written?: DeliveredPostmortem) => Promise<void>,
  onStart: () => void = () => {},
): void {
  deps.queue.push(`postmortem ${incidentId}`, async () => {
    onStart();
    let prepared: PreparedPostmortem;
    try {
      prepared = preparePostmortem(deps, incidentId, fallbackChannel);
    } catch (error) {
      await failed(error);
      return;
    }
    const { delivered, upload } = prepared;
    if (!upload) await told(delivered);
    else {
      // Telling the asker failed too (their reply link gone, say): on the log, not lost with the upload's promise.
      const telling = upload(client)
        .then(
          () => told(delivered),
          (error: unknown) => failed(error, delivered),
        )
        .catch((error: unknown) => deps.logger.warn({ err: error, incident: incidentId }, 'could not tell whoever asked for the postmortem how its upload went'));
      deps.uploads.add(`postmortem ${incidentId}`, telling);
    }
  });
}

const unwrittenOf = (written: { unwritten?: string }) => (written.unwritten ? { unwritten: written.unwritten } : {});
const earlierOf = (written: WrittenPostmortem) => {
  const earlier = earlierKeptWords(written);
  return earlier ? { earlier } : {};
};

/** Whether some of the incident's events are kept in the bot's memory, not yet in the journal's file (an unwritable state dir). */
export function keptInMemory(service: IncidentService, incidentId: string): boolean {
  return service.journal.keptEvents().some((event) => event.incident === incidentId);
}

/**
 * The postmortem is built from the journal's file. An incident opened while the state dir takes no writes is known to
 * the bot, its events kept in memory until they can be written: not finding it in the file is not "no such incident".
 */
function writeOrSayWhyNot(service: IncidentService, options: WritePostmortemOptions): WrittenPostmortem {
  try {
    return writePostmortem(options);
  } catch (error) {
    const { incidentId, stateDir } = options;
    const unwritable = service.journal.unwritable;
    if (!(error instanceof UserError) || !unwritable || !keptInMemory(service, incidentId)) throw error;
    throw new UserError(
      `the postmortem of ${incidentId} could not be written: the state dir ${stateDir} is not writable (${unwritable.code ? `${unwritable.code}: ` : ''}${unwritable.reason}, ` +
        `since ${unwritable.since.slice(11, 16)} UTC). The incident is recorded: its events are kept in the bot's memory until the state dir takes writes again ` +
        '(the bot notices by itself), then written to the journal the postmortem is built from. Make the state dir writable, then ask again',
    );
  }
}
