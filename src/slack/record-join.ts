// A command or button that joined a diagnosis already under way goes on the record of the incident it joined.
import type { IncidentService } from '../incidents/service.js';
import type { Incident } from '../incidents/state.js';

/**
 * What records `user`'s join once the incident is known (undefined: the diagnosis joined did not start, nothing to
 * join). Its command.received line, written before, could not name that incident: the postmortem shows the join from this.
 * `text` is the command as that line has it (a button's, say); `origin` where it came from.
 */
export function joinRecorder(service: Pick<IncidentService, 'recordJoin'>, user: string, text: string, origin: string): (incident: Incident | undefined) => void {
  return (incident) => {
    if (incident) void service.recordJoin(incident.id, user, text, origin);
  };
}
