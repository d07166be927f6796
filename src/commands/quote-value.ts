// A parameter value as a command the bot suggests writes it: bare when it is one word, in double quotes otherwise, so a pasted line parses.
export function commandValue(value: string): string {
  return /^[^\s"]+$/.test(value) ? value : `"${value}"`;
}
