// Dagster's schedule states as its webserver keeps them, answering the bot's startSchedule, scheduleOrError and
// stopRunningSchedule: a start makes a state RUNNING with a new ScheduleData.startTimestamp (Dagster's scheduler sets it
// to the time of each start), a stop makes it STOPPED and clears it; a teammate's clicks in the UI do the same.
import type { serveDagster } from './dagster-fixtures.js';

type Handlers = Parameters<typeof serveDagster>[0];

interface State {
  status: 'RUNNING' | 'STOPPED';
  startTimestamp: number | null;
}

export class DagsterScheduleStates {
  private readonly states = new Map<string, State>();
  /** The stopRunningSchedule requests the bot sent, their variables, in order. */
  readonly stopRequests: Record<string, unknown>[] = [];

  /** `clock`: Dagster's time, whose epoch seconds (with their fraction, as Dagster's are) a start records. */
  constructor(private readonly clock: () => Date) {}

  status(name: string): State['status'] {
    return this.state(name).status;
  }

  startTimestamp(name: string): number | null {
    return this.state(name).startTimestamp;
  }

  /** As Dagster's UI switch does, or the scheduler's start_schedule. */
  start(name: string): void {
    this.states.set(name, { status: 'RUNNING', startTimestamp: this.clock().getTime() / 1000 });
  }

  stop(name: string): void {
    this.states.set(name, { status: 'STOPPED', startTimestamp: null });
  }

  /** The GraphQL answers, by the bot's operation names, for serveDagster. */
  get handlers(): Handlers {
    return {
      DataboxStartSchedule: ({ variables }) => {
        const name = String((variables.selector as { scheduleName: string }).scheduleName);
        if (this.status(name) === 'RUNNING') return { data: { startSchedule: { __typename: 'PythonError', message: `You have attempted to start schedule ${name}, but it is already running` } } };
        this.start(name);
        return { data: { startSchedule: { __typename: 'ScheduleStateResult', scheduleState: this.answered(name) } } };
      },
      DataboxScheduleState: ({ variables }) => {
        const name = String((variables.selector as { scheduleName: string }).scheduleName);
        return { data: { scheduleOrError: { __typename: 'Schedule', scheduleState: { id: `state-of-${name}`, selectorId: `selector-of-${name}`, ...this.answered(name) } } } };
      },
      DataboxStopSchedule: ({ variables }) => {
        this.stopRequests.push(variables);
        const name = String(variables.id).replace(/^state-of-/, '');
        this.stop(name);
        return { data: { stopRunningSchedule: { __typename: 'ScheduleStateResult', scheduleState: this.answered(name) } } };
      },
    };
  }

  private state(name: string): State {
    return this.states.get(name) ?? { status: 'STOPPED', startTimestamp: null };
  }

  /** InstigationState's status and typeSpecificData (the ScheduleData of the union), as the bot's queries ask for them. */
  private answered(name: string): Record<string, unknown> {
    const { status, startTimestamp } = this.state(name);
    return { status, typeSpecificData: { __typename: 'ScheduleData', startTimestamp } };
  }
}
