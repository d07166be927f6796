// The reply link of each Slack click that approved a plan, kept while Slack honours it, for news of that plan nobody else would see.
import type { RespondFn } from '@slack/bolt';

/** Slack takes a response URL for 30 minutes, and up to 5 times. */
const replyLinkLifeMs = 30 * 60_000;
const replyLinkUses = 5;

/** A click's reply link, counting its uses: `respond` sends through it. */
export interface CountedReplyLink {
  readonly respond: RespondFn;
  readonly at: number;
  uses: number;
}

export class ApproversReplyLinks {
  private readonly links = new Map<string, CountedReplyLink>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A click's `respond`, counted: what its handler says through it counts against Slack's five uses. */
  counted(respond: RespondFn): CountedReplyLink {
    const link: CountedReplyLink = { at: this.now(), uses: 0, respond: (message) => ((link.uses += 1), respond(message)) };
    return link;
  }

  /** Keeps the link of the click that approved `runId`. */
  keep(runId: string, link: CountedReplyLink): void {
    // Links Slack no longer takes are dropped here, so a bot approving plans for months keeps only the last half hour's.
    for (const [id, kept] of this.links) if (this.now() - kept.at >= replyLinkLifeMs) this.links.delete(id);
    this.links.set(runId, link);
  }

  /** The approver's reply link for `runId`, given once; undefined when there is none, or Slack would refuse it (too old, used up). */
  take(runId: string): RespondFn | undefined {
    const kept = this.links.get(runId);
    this.links.delete(runId);
    if (!kept || this.now() - kept.at >= replyLinkLifeMs || kept.uses >= replyLinkUses) return undefined;
    return kept.respond;
  }
}
