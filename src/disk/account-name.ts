// The OS account name of a uid, for messages that tell an operator whose account to run as: /etc/passwd, as `id -nu` reads it.
import fs from 'node:fs';
import os from 'node:os';

/** The name of the account with `uid`, or undefined where none is known (a uid of a container's host, no /etc/passwd). */
export function accountName(uid: number): string | undefined {
  if (uid === process.getuid?.()) {
    try {
      return os.userInfo().username;
    } catch {
      return undefined;
    }
  }
  try {
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.split(':')[2] === String(uid));
    return line?.split(':')[0] || undefined;
  } catch {
    return undefined;
  }
}
