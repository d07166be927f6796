// What happens when someone types /databox: parse, answer bad input at once, queue the work, report in the thread.
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { parseCommand, usage, type Command } from '../src/commands/parse.js';
import { statusReport } from '../src/incidents/status.js';
import { overCommandLimit } from '../src/slack/command-limit.js';
import { statusText } from '../src/slack/status-message.js';
import { jobsStatusLines } from '../src/slack/jobs-status.js';
import { unlockRequestMessage } from '../src/slack/unlock-message.js';
import { ensureIncidentThread } from '../src/slack/incident-thread.js';
import { notUploadedNote, queuePostmortem, unchangedSinceText, type DeliveredPostmortem } from '../src/slack/postmortem-upload.js';
import { fromChannel } from '../src/slack/slack-refs.js';
import { describeFailure, directMessageWarning, redactedRespond, samePlanWaitingText } from '../src/slack/tell.js';
import { tellCommandSender } from '../src/slack/tell-or-log.js';
import { isUserError, StoppedError } from '../src/errors.js';
import { escapeMrkdwn } from '../src/slack/mrkdwn.js';
import { journalNamed } from '../src/incidents/journal-named.js';
import { redactDeep } from '../src/redact.js';
import { scenarioCommands } from '../src/runbook/scenario-commands.js';
import { helpAbout, scenarioCommandsSaid } from '../src/commands/help-about.js';
import type { HandlerDeps } from './index.js';
import type { Runbook } from '../src/runbook/schema.js';
import { typedDiagnosis, type AskedFor, type RunningDiagnosis } from '../src/incidents/running-diagnoses.js';
import { typedValidation } from '../src/incidents/running-validations.js';
import type { Incident, Run } from '../src/incidents/state.js';
import { followItIn, incidentThread } from '../src/slack/slack-refs.js';
import { tellIfNotShown } from '../src/slack/plan-not-shown.js';
import { typedAtTerminal } from '../src/commands/terminal-commands.js';
import { joinRecorder } from '../src/slack/record-join.js';
import { watchPathsNamed } from '../src/slack/watch-paths-named.js';

export function registerDataboxCommand(routes: ListenerRouter, deps: HandlerDeps): void {
  // The runbooks are fixed once loaded, so the help text is too: built once, not on every ack.
  const help = helpText(deps);
  routes.command('/databox', async ({ command, ack, respond: respondAsIs, client }) => {
    const respond = redactedRespond(respondAsIs, deps.redact);
    // Every answer after the ack: the reply link, else chat.postEphemeral, else the log. It never fails, so work nobody
    // waits on (a joiner told where the incident is) can end in it.
    const tell = (text: string, context: Record<string, unknown> = {}) =>
      tellCommandSender(client, deps.redact, deps.logger, { channel: command.channel_id, user: command.user_id, respond }, text, { command: `/databox ${command.text}`.slice(0, 200), ...context });
    // Parsing is pure and instant, so its verdict can travel in the ack itself; the journal line follows the ack.
    const parsed = parseCommand(command.text, deps.catalog);
    // Past the per-person limit, with its refusal on the same line.
    // `incident`: the one a joined diagnosis belongs to, so its postmortem shows who else asked for it.
    const record = (refusedBecause?: string, incident?: string) =>
      deps.service.recordCommand(`/databox ${command.text}`.slice(0, 2_000), command.user_id, `slack:${command.channel_id}`, incident, { refusedBecause });
    // A refusal is on the record beside the command it answers, with why.
    // A join found out once its incident opened: the command's own line, written before, could not name it.
    const recordJoin = joinRecorder(deps.service, command.user_id, `/databox ${command.text}`.slice(0, 2_000), `slack:${command.channel_id}`);
    const recordRefused = (reason: string, incident?: string) =>
      void deps.service.recordRefusal(command.user_id, { command: `/databox ${command.text}`.slice(0, 2_000), incident, reason });
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: deps.redact(`:warning: ${escapeMrkdwn(parsed.error)}\n\`\`\`${escapeMrkdwn(parsed.usage)}\`\`\``) });
      record();
      recordRefused(parsed.error);
      return;
    }
    const cmd: Command = parsed.command;
    if (cmd.verb !== 'help' && cmd.verb !== 'status') {
      // One person cannot fill the queue: commands that start work are counted per person.
      const overLimit = overCommandLimit(deps.commandLimit, command.user_id);
      if (overLimit) {
        await ack({ response_type: 'ephemeral', text: overLimit.text });
        record(overLimit.reason);
        return;
      }
    }
    if (cmd.verb === 'help') {
      await ack({ response_type: 'ephemeral', text: cmd.about === undefined ? help : `${deps.redact(helpAboutInSlack(deps, cmd.about))}\n\n${help}` });
      record();
      return;
    }
    if (cmd.verb === 'status') {
      // The watchers' lines name the database by its file and the state dir by name here, as the alerts do: the server's
      // paths stay out of Slack.
      const namedForSlack = watchPathsNamed(deps.service.config.databasePath, deps.service.config.stateDir);
      const watchers = deps.watch ? `\n*Watchers:*\n${deps.watch.statusLines().map(namedForSlack).join('\n')}` : '';
      const slack = [deps.delivery?.statusLine(), ...(deps.lasting?.statusLines() ?? [])].filter(Boolean).map((line) => `\n${line}`).join('');
      const blocked = deps.service.journalBlock();
      const jobs = jobsStatusLines(deps.queue.jobs(), deps.uploads.list(), deps.service.config.workers).map((line) => `\n${line}`).join('');
      await ack({ response_type: 'ephemeral', text: deps.redact(`${blocked ? `:no_entry_sign: ${escapeMrkdwn(blocked)}\n` : ''}${statusText(statusReport(deps.service.state, deps.service.now(), (scenario) => deps.service.scenarios().find((rb) => rb.id === scenario)), deps.threadBehind)}${jobs}${slack}${watchers}`) });
      record();
      return;
    }
    if (cmd.verb === 'unlock') {
      await ack();
      record();
      // Checked now, so a wrong id or a plan that holds nothing is answered at once; the request goes in the channel,
      // where a second person approves it with its button. Nothing changes before that.
      try {
        await deps.access.requireRequester(command.user_id);
        // A read-only run this bot runs (a validation waiting for the marts) is stopped at once: that changes nothing.
        const stopped = deps.service.stopReadOnly(cmd.run, command.user_id);
        if (stopped) {
          await tell(readOnlyStoppedText(stopped), { incident: stopped.incidentId });
          return;
        }
        const run = deps.service.requestUnlock(cmd.run, command.user_id);
        const request = unlockRequestMessage(run, command.user_id);
        await respond({ response_type: 'in_channel', replace_original: false, ...request }).catch(async (error: unknown) => {
          // The reply link refused (expired, hooks.slack.com blocked): the request is journaled already, and nobody could
          // approve it without its button, so it is posted in the channel as the bot's own message instead.
          deps.logger.warn({ err: error, runId: run.id, channel: command.channel_id }, "an unlock request went by chat.postMessage: the command's reply link failed");
          await client.chat.postMessage({ channel: command.channel_id, ...redactDeep(request, deps.redact) });
        });
      } catch (error) {
        if (isUserError(error)) {
          deps.commandLimit.giveBack(command.user_id);
          recordRefused(error.message, deps.service.state.runs.get(cmd.run)?.incidentId);
        }
        await tell(describeFailure(error, deps.logger, { command: 'unlock', channel: command.channel_id }));
      }
      return;
    }
    // Whether the journal knows an incident; undefined once the ack has said the journal could not be read (an EACCES,
    // an EIO): that is the bot's failure to report, not the operator's mistyped id.
    const incidentKnown = async (id: string): Promise<boolean | undefined> => {
      try {
        deps.service.incident(id);
        return true;
      } catch (error) {
        if (isUserError(error)) return false;
        deps.commandLimit.giveBack(command.user_id);
        await ack({ response_type: 'ephemeral', text: deps.redact(describeFailure(error, deps.logger, { command: cmd.verb, channel: command.channel_id })) });
        record();
        return undefined;
      }
    };
    if (cmd.verb === 'postmortem') {
      const known = await incidentKnown(cmd.incident);
      if (known === undefined) return;
      if (!known) {
        deps.commandLimit.giveBack(command.user_id);
        // Named as every unknown plan or incident is in Slack (the server's paths stay out), with whether it is empty: a
        // bot on the wrong state dir reads as one.
        await ack({ response_type: 'ephemeral', text: `:warning: no incident \`${cmd.incident}\` in ${escapeMrkdwn(journalNamed(deps.service.journal.file, "the bot's journal"))}; incident ids are on each incident's first message` });
        record();
        return;
      }
      await ack({ response_type: 'ephemeral', text: `:memo: Writing the postmortem of \`${cmd.incident}\` from the journal…` });
      record();
      // An upload refused in the incident's channel (archived, say) is said of that channel, not of this one.
      const failPostmortem = (error: unknown, written?: DeliveredPostmortem) =>
        tell(
          describeFailure(error, deps.logger, {
            command: 'postmortem',
            channel: command.channel_id,
            ...(written ? { refusedIn: written.channel, elsewhereNote: notUploadedNote(cmd.incident, written) } : {}),
          }),
          { incident: cmd.incident },
        );
      const told = async (delivered: DeliveredPostmortem) => {
        const again = unchangedSinceText(delivered);
        const where = delivered.threadTs ? 'in its thread' : 'in this channel';
        const disk = delivered.unwritten
          ? `not on the bot's disk: ${escapeMrkdwn(delivered.unwritten)}`
          : `on the bot's disk at \`${escapeMrkdwn(delivered.file)}\`${delivered.earlier ? ` (${escapeMrkdwn(delivered.earlier)})` : ''}`;
        await tell(
          delivered.uploadingSince
            ? `:memo: The postmortem of \`${cmd.incident}\` ${again}: it will be ${where} once Slack takes it, and is ${disk}.`
            : `:memo: The postmortem of \`${cmd.incident}\` ${again ? `${again}: it is` : 'is'} ${where} and ${disk}.`,
          { incident: cmd.incident },
        );
      };
      // Waiting for a worker past a few seconds, as any other command is: told it is queued, and behind what.
      let queuedNote: NodeJS.Timeout | undefined;
      let jobStarted = false;
      const onStart = () => {
        jobStarted = true;
        clearTimeout(queuedNote);
      };
      try {
        queuePostmortem(deps, client, cmd.incident, command.channel_id, told, failPostmortem, onStart);
      } catch (error) {
        await failPostmortem(error);
        return;
      }
      if (!jobStarted) queuedNote = setTimeout(() => void tell(queuedText(`/databox ${command.text}`, deps.queue.jobs().running, 'you are told here where it is once written'), { incident: cmd.incident }), slowOpeningMs);
      return;
    }
    // An incident id nobody recorded (mistyped, or from another bot's channel): said in the ack with the way on, without
    // the bot's journal path (the terminal's refusal names it, where a state dir mixed up is the likely cause).
    const known = cmd.incident === undefined ? true : await incidentKnown(cmd.incident);
    if (known === undefined) return;
    if (!known) {
      deps.commandLimit.giveBack(command.user_id);
      const reason = `no incident \`${cmd.incident}\` is on record here: leave out incident= to open a new incident, or find the id with /databox status (each incident's first message shows it too)`;
      await ack({ response_type: 'ephemeral', text: `:warning: ${reason}` });
      record();
      recordRefused(reason);
      return;
    }
    // The same validation of this incident already queued or running: joined, answered in the ack with its thread, and
    // nothing read again. One typed after it has finished runs again: a fresh check is what the operator asks for then.
    const typedCheck = cmd.verb === 'validate' && cmd.incident !== undefined ? typedValidation(cmd.scenario, cmd.params, cmd.incident) : undefined;
    const validating = typedCheck === undefined ? undefined : deps.validations.find(typedCheck);
    if (validating && cmd.incident !== undefined) {
      const incident = deps.service.incident(cmd.incident);
      await ack({ response_type: 'ephemeral', text: joinedValidationText(deps, incident, validating.user) });
      record(undefined, incident.id);
      void deps.service.recordJoin(incident.id, command.user_id, `/databox ${command.text}`.slice(0, 2_000), `slack:${command.channel_id}`, 'validation');
      // Refused before it started (its asker told why): the joiner is told too, rather than waiting on a thread that stays quiet.
      void validating.started.then((started) => (started ? undefined : tell(notStartedValidationText(), { incident: incident.id })));
      return;
    }
    // Registered before the ack is awaited: the same validate typed meanwhile joins this one rather than starting a second.
    const validation = typedCheck === undefined ? undefined : deps.validations.begin(typedCheck, command.user_id);
    // The same diagnosis already running, with its incident open: the answer goes in the ack, nothing else is sent.
    const typed = cmd.verb === 'diagnose' ? typedDiagnosis(cmd.scenario, cmd.params, cmd.incident) : undefined;
    const joined = typed === undefined ? undefined : deps.diagnoses.openedFor(typed);
    if (joined) {
      await ack({ response_type: 'ephemeral', text: joinedText(deps, joined) });
      record(undefined, joined.id);
      return;
    }
    // The same diagnosis asked for a moment ago and not open yet: the ack says who asked and where its thread opens.
    const pending = typed === undefined ? undefined : deps.diagnoses.pendingFor(typed);
    if (pending) {
      await ack({ response_type: 'ephemeral', text: pendingText(pending.asked, command.channel_id, cmd.verb === 'diagnose' ? cmd.incident : undefined) });
      record();
      // Said again only when it adds something: the thread's link when it opens in another channel, or that it did not.
      void pending.incident
        .then((incident) => {
          recordJoin(incident);
          if (incident && incidentThread(incident)?.channel === command.channel_id) return undefined;
          return tell(joinedText(deps, incident), { incident: incident?.id });
        })
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'a joiner of a diagnosis could not be told where it is'));
      return;
    }
    // A new incident in a direct message opens there all the same (its requester may read it), but said: nobody else sees it.
    try {
      await ack(cmd.verb === 'diagnose' && !cmd.incident && command.channel_id.startsWith('D') ? { response_type: 'ephemeral', text: directMessageWarning } : undefined);
    } catch (error) {
      validation?.done();
      throw error;
    }
    record();
    const fail = async (error: unknown) => {
      // A refusal (bad input, a database held) started nothing: it does not count against the per-person limit, and it
      // is on the record beside the command it answers.
      if (isUserError(error) && !(error instanceof StoppedError)) {
        deps.commandLimit.giveBack(command.user_id);
        recordRefused(error.message, cmd.incident);
      }
      await tell(describeFailure(error, deps.logger, { command: cmd.verb, channel: command.channel_id, atTerminal: typedAtTerminal(cmd) }), { incident: cmd.incident });
    };
    let diagnosis: RunningDiagnosis | undefined;
    try {
      if (cmd.verb === 'recover') await deps.access.requireRequester(command.user_id);
      if (cmd.verb === 'diagnose') {
        // The same diagnosis already queued or running is joined: one full read of the file, one thread.
        const key = await deps.service.diagnosisKey(cmd);
        const running = deps.diagnoses.find(key);
        if (running) {
          // Neither the tell nor fail (which tells too) can fail: nothing here is left to end the process.
          void running
            .then((incident) => {
              recordJoin(incident);
              return tell(joinedText(deps, incident), { incident: incident?.id });
            })
            .catch(fail);
          return;
        }
        diagnosis = deps.diagnoses.begin(key, typed, { user: command.user_id, channel: command.channel_id });
      }
      const started = diagnosis;
      // A new incident's first message can wait (a busy queue, Slack holding it back): past a few seconds without it,
      // the person who asked is told the diagnosis is under way, so an empty channel does not read as nothing happening.
      let slowNote: NodeJS.Timeout | undefined;
      const opened =
        (started || validation) &&
        ((incident: Incident) => {
          clearTimeout(slowNote);
          started?.opened(incident);
          validation?.started();
        });
      // Any other command waiting for a worker past a few seconds (every worker busy): whoever typed it is told it is
      // queued, and behind what, rather than hearing nothing until it starts.
      let queuedNote: NodeJS.Timeout | undefined;
      let jobStarted = false;
      deps.queue.push(`${cmd.verb} ${cmd.scenario}`, async () => {
        // A free worker starts the job within push(), before the note below is set: then it is never set.
        jobStarted = true;
        clearTimeout(queuedNote);
        try {
          if (cmd.incident) await ensureIncidentThread(deps, client, cmd.incident, command.channel_id);
          const { run, alreadyWaiting } = await deps.service.start(cmd, command.user_id, 'slack', fromChannel(command.channel_id), opened);
          // Slack refused the plan for good (the bot removed from the incident's channel): said through the command's
          // response URL, which the channel does not gate.
          const notShown = await tellIfNotShown(run && deps.service.run(run.id), (text) => tell(text, { incident: run?.incidentId }));
          // The same plan was already waiting (proposed before this command): it is the one to approve, nothing new.
          if (run && alreadyWaiting && !notShown) {
            await tell(samePlanWaitingText(run.id), { incident: run.incidentId });
          }
        } catch (error) {
          await fail(error);
        } finally {
          clearTimeout(slowNote);
          started?.done();
          validation?.done();
        }
      });
      // Set once the job is queued: a queue that refused it has answered already.
      // Still waiting for a worker then: what it waits behind is said, as for any other command.
      if (started && !cmd.incident) {
        slowNote = setTimeout(
          () => void tell(jobStarted ? stillOpeningText(deps.delivery?.slowOpeningReason()) : queuedText(`/databox ${command.text}`, deps.queue.jobs().running, 'its incident opens in this channel then, with every step in its thread')),
          slowOpeningMs,
        );
      }
      else if (!jobStarted) queuedNote = setTimeout(() => void tell(queuedText(`/databox ${command.text}`, deps.queue.jobs().running, 'its thread shows it then')), slowOpeningMs);
    } catch (error) {
      diagnosis?.done();
      validation?.done();
      await fail(error);
    }
  });
}

/** How long a new incident's first message may take before the person who asked is told the diagnosis is under way. */
const slowOpeningMs = 3_000;
function stillOpeningText(slackWait: string | undefined): string {
  return `:hourglass_flowing_sand: Your diagnosis is queued or under way, but its incident's first message is not in the channel yet (${slackWait ?? 'the bot is busy, or Slack is slow to take it'}): it opens here as soon as it can, with every step in its thread.`;
}

/** The answer to an unlock of a read-only run, stopped at once. */
function readOnlyStoppedText(run: Run): string {
  return `:octagonal_sign: Stopped ${run.kind} \`${escapeMrkdwn(run.id)}\` (${escapeMrkdwn(run.title)}) at once: it only reads, so stopping it changed nothing, and no second person needs to approve it. Its thread says where it stopped; run it again when there is something to check.`;
}

/** `then`: where the person who typed it sees it once it starts. */
function queuedText(typed: string, running: string[], then: string): string {
  const behind = running.length > 0 ? ` (running: ${running.map(escapeMrkdwn).join(', ')})` : '';
  return `:hourglass_flowing_sand: Your \`${escapeMrkdwn(typed.slice(0, 200))}\` is queued: every worker is busy${behind}. It starts as soon as one is free, and ${then}; \`/databox status\` lists what runs and what waits.`;
}

function joinedText(deps: HandlerDeps, incident: Incident | undefined): string {
  if (!incident) return ':warning: The same diagnosis was asked for just before yours, but it did not start (its answer says why). Run the command again.';
  const where = followItIn(incident, (channel, ts) => deps.access.messageLink(channel, ts));
  return `:link: This database is already being diagnosed: you joined incident \`${escapeMrkdwn(incident.id)}\`; ${where}. Nothing new was started.`;
}

function joinedValidationText(deps: HandlerDeps, incident: Incident, askedBy: string): string {
  const where = followItIn(incident, (channel, ts) => deps.access.messageLink(channel, ts));
  return `:link: The same validation of incident \`${escapeMrkdwn(incident.id)}\` is already queued or running (<@${askedBy}> asked for it): you joined it; ${where}. Nothing new was started; once it has finished, the same command runs a fresh validation.`;
}

function notStartedValidationText(): string {
  return ':warning: The validation you joined did not start (whoever asked for it was told why). Run the command again to see why, or to start it.';
}

function pendingText(asked: AskedFor, channel: string, incident: string | undefined): string {
  // An incident diagnosed again has its thread already: the steps go there.
  if (incident) return `:link: Incident \`${escapeMrkdwn(incident)}\` is already being diagnosed again: <@${asked.user}> asked for it just before you, and you joined it; its steps and verdict follow in its thread. Nothing new was started.`;
  const where = asked.channel === channel ? 'its thread opens in this channel in a moment' : `its thread opens in <#${asked.channel}> in a moment; a link follows here`;
  return `:link: This database is already being diagnosed: <@${asked.user}> asked for it just before you, and you joined it; ${where}. Nothing new was started.`;
}

function helpText(deps: HandlerDeps): string {
  // The same commands the terminal's help lists (src/terminal/console.ts).
  const scenarios = deps.service
    .scenarios()
    .map((rb) => {
      return `• *${escapeMrkdwn(rb.title)}*: ${scenarioCommandsSaid(rb, escapeMrkdwn)}`;
    })
    .join('\n');
  return [
    '*databox-bot* runs the incident runbook: a read-only diagnosis, then a recovery plan a teammate approves.',
    `\`\`\`${escapeMrkdwn(usage(deps.catalog))}\`\`\``,
    `*Scenarios*\n${scenarios}`,
    'Each incident gets one message in the channel; everything after it goes into its thread.',
    escapeMrkdwn('`unlock <run-id>` frees a database held by a plan whose process is gone for good, once a second person approves.'),
  ].join('\n');
}

/** The line that answers `help <words>` above the whole help, worded as the terminal's (src/commands/help-about.ts). */
function helpAboutInSlack(deps: HandlerDeps, about: string): string {
  return helpAbout(about, deps.service.scenarios(), {
    usageOf: (word) => {
      const verbUsage = usage(deps.catalog, word);
      return verbUsage.startsWith('Usage: ') ? verbUsage.slice('Usage: '.length) : undefined;
    },
    text: escapeMrkdwn,
    title: (title) => `*${escapeMrkdwn(title)}*`,
  });
}
