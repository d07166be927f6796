// Text for people that names other people: each person stays data, and each front end renders them its own way
// (Slack as a mention, a terminal and a postmortem by name).

export interface ActorPart {
  actor: string;
}

export type Said = readonly (string | ActorPart)[];

/** A person named in a message; someone unknown is "someone". */
export function actor(id: string | undefined): ActorPart | string {
  return id ? { actor: id } : 'someone';
}

/** A message with people in it: said`approved by ${actor(id)} at ${time}`. */
export function said(strings: TemplateStringsArray, ...values: (string | number | ActorPart)[]): Said {
  const parts: (string | ActorPart)[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push(text);
    if (i < values.length) {
      const value = values[i] as string | number | ActorPart;
      parts.push(typeof value === 'object' ? value : String(value));
    }
  });
  return parts;
}

/** The message as text: text parts as they are (or through `text`), each person through `person` (by default their id). */
export function renderSaid(message: Said, person: (id: string) => string = (id) => id, text: (part: string) => string = (part) => part): string {
  return message.map((part) => (typeof part === 'string' ? text(part) : person(part.actor))).join('');
}
