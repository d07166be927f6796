// The wrappers a command step's argv is read through (sudo, nice, nsenter, runuser -u …): where each starts the command it
// runs, read as its own option parser reads its words; and those given a shell command line instead (su -c, script -c,
// sg, ssh host '<cmd>' …), which hide what runs from the check and the plan as sh -c does.
import { readWords, type OptionSyntax, type ReadWords } from './getopt-words.js';
import type { Words } from './interpreter-options.js';

export const withoutShell = "the bot runs argv without a shell, so list the command's own argv instead (one step per command)";

const shellLineHides = (given: string, instead = withoutShell) => `${given} runs a shell command line, which hides what it runs from this check and from the plan: ${instead}`;

const asUser = "run the command's own argv as the user instead: runuser -u <user> -- <command> … or sudo -u <user> <command> …";

const sshRemoteHides =
  "ssh with a command runs it as a shell command line on another host, which hides what it runs from this check and from the plan: a step runs its own argv on the bot's host, so run this one where the bot runs, one step per command";

interface Wrapper extends OptionSyntax {
  /** Whether the first word past the options is the wrapper's own operand, not its command: timeout's duration, flock's lock file … */
  operand?: (word: string) => boolean;
}

const always = () => true;

/** su's and runuser's options (util-linux su-common.c): GNU getopt, so they are su's wherever they are before --. */
const suSyntax: OptionSyntax = {
  valueLetters: 'cgGsuw',
  valueLong: ['--command', '--session-command', '--shell', '--group', '--supp-group', '--user', '--whitelist-environment'],
  permutes: true,
};

/** script's options (util-linux script.c); -c gives it a command line for the user's shell. */
const scriptSyntax: OptionSyntax = {
  valueLetters: 'BcEIOoTm',
  attachedLetters: 't',
  valueLong: ['--log-io', '--command', '--echo', '--log-in', '--log-out', '--output-limit', '--log-timing', '--logging-format'],
  permutes: true,
};

/** ssh's options (OpenSSH ssh.c's getopt string): those that take a value. */
const sshSyntax: OptionSyntax = { valueLetters: 'BbcDEeFIiJLlmOopPQRSWw' };

/** Each wrapper that runs a command given as its own argv: the options that take a value (from its man page and getopt string), and its operand. */
const wrappers: Record<string, Wrapper> = {
  env: { valueLetters: 'uCS', valueLong: ['--unset', '--chdir', '--split-string'] },
  sudo: {
    valueLetters: 'ugChprtDUT',
    valueLong: ['--user', '--group', '--close-from', '--host', '--prompt', '--role', '--type', '--chdir', '--other-user', '--command-timeout'],
  },
  doas: { valueLetters: 'uC' },
  pkexec: { valueLong: ['--user'] },
  nice: { valueLetters: 'n', valueLong: ['--adjustment'] },
  nohup: {},
  setsid: {},
  eatmydata: {},
  fakeroot: {},
  busybox: {},
  timeout: { valueLetters: 'sk', valueLong: ['--signal', '--kill-after'], operand: always },
  ionice: { valueLetters: 'cnpPu', valueLong: ['--class', '--classdata', '--pid', '--pgid', '--uid'] },
  // chrt's priority may be left out for the policies without one (chrt -b rm …).
  chrt: { valueLetters: 'TPD', valueLong: ['--sched-runtime', '--sched-period', '--sched-deadline'], operand: (word) => /^\d+$/.test(word) },
  taskset: { operand: always },
  stdbuf: { valueLetters: 'ioe', valueLong: ['--input', '--output', '--error'] },
  flock: { valueLetters: 'wE', valueLong: ['--timeout', '--wait', '--conflict-exit-code'], operand: always },
  unshare: {
    valueLetters: 'SGRw',
    valueLong: ['--setuid', '--setgid', '--root', '--wd', '--propagation', '--setgroups', '--map-user', '--map-group', '--map-users', '--map-groups'],
  },
  chroot: { valueLong: ['--userspec', '--groups'], operand: always },
  strace: { valueLetters: 'eopsauEPbIXOS' },
  ltrace: { valueLetters: 'eopsaunADFlx' },
  time: { valueLetters: 'fo', valueLong: ['--format', '--output'] },
  watch: { valueLetters: 'nq', valueLong: ['--interval', '--equexit'] },
  parallel: {
    valueLetters: 'jSaEInNCd',
    valueLong: ['--jobs', '--sshlogin', '--joblog', '--arg-file', '--delay', '--timeout', '--results', '--tmpdir', '--delimiter', '--max-args', '--colsep', '--halt', '--retries'],
  },
  xargs: { valueLetters: 'nLPsdEaI', valueLong: ['--max-args', '--max-lines', '--max-procs', '--max-chars', '--delimiter', '--arg-file'] },
  // -m, -u, -i, -n, -p, -U, -C, -T, -r, -w, -W name a file or directory only attached (-m/proc/1/ns/mnt, --mount=…).
  nsenter: { valueLetters: 'tNSG', attachedLetters: 'muinpUCTrwW', valueLong: ['--target', '--net-socket', '--setuid', '--setgid'] },
  setpriv: {
    valueLong: [
      '--inh-caps', '--ambient-caps', '--ruid', '--euid', '--rgid', '--egid', '--reuid', '--regid', '--groups', '--bounding-set', '--securebits',
      '--pdeathsig', '--ptracer', '--selinux-label', '--apparmor-profile', '--landlock-access', '--landlock-rule', '--seccomp-filter',
    ],
  },
  // Each limit's value is attached, or there is none: prlimit -n1024, --nofile=1024, -n alone.
  prlimit: { valueLetters: 'po', attachedLetters: 'cdefilmnqrstuvxy', valueLong: ['--pid', '--output'] },
  numactl: {
    valueLetters: 'iwpPcNCmSfoLMI',
    valueLong: [
      '--interleave', '--weighted-interleave', '--preferred', '--preferred-many', '--cpubind', '--cpunodebind', '--physcpubind', '--membind',
      '--shm', '--file', '--offset', '--length', '--shmmode', '--shmid',
    ],
  },
  'systemd-run': {
    valueLetters: 'CHMEpu',
    valueLong: [
      '--capsule', '--unit', '--description', '--slice', '--expand-environment', '--host', '--machine', '--service-type', '--uid', '--gid', '--nice',
      '--setenv', '--property', '--on-active', '--on-boot', '--on-startup', '--on-unit-active', '--on-unit-inactive', '--on-calendar',
      '--timer-property', '--path-property', '--socket-property', '--working-directory', '--job-mode', '--background', '--json',
    ],
  },
  cgexec: { valueLetters: 'g' },
  // Every firejail option gives its value after = (--private=dir); its -c takes none.
  firejail: {},
};

/** What a wrapper runs: its command's words, or why what it runs is hidden. */
export type Unwrapped = { command: Words } | { hides: string };

/** What the wrapper `name` (a basename) runs given `rest`, its words after its name; undefined when it is none, or runs nothing known. */
export function unwrap(name: string, rest: Words): Unwrapped | undefined {
  if (name === 'su' || name === 'runuser') return suCommand(name, rest);
  if (name === 'script') {
    const given = readWords(rest, scriptSyntax).options.find(({ option }) => option === '-c' || option === '--command');
    return given ? { hides: shellLineHides(`script ${given.option}`) } : undefined;
  }
  if (name === 'sg') return sgCommand(rest);
  if (name === 'ssh') return sshCommand(rest);
  const wrapper = wrappers[name];
  if (!wrapper) return undefined;
  const read = readWords(rest, wrapper);
  if (name === 'systemd-run') {
    const hides = execProperty(read);
    if (hides) return { hides };
  }
  // env -S splits its value into words and reads them as its own, ahead of the rest.
  const split = name === 'env' ? read.options.find(({ option }) => option === '-S' || option === '--split-string') : undefined;
  if (split) return split.value === undefined ? undefined : unwrap('env', [...split.value.trim().split(/\s+/), ...read.operands]);
  let command = name === 'env' ? envCommand(read.operands) : read.operands;
  const first = command[0];
  if (wrapper.operand && first !== undefined && wrapper.operand(first)) command = command.slice(1);
  // flock <file> -c '<command>': the word right after the lock file.
  if (name === 'flock' && (command[0] === '-c' || command[0] === '--command')) return { hides: shellLineHides('flock -c') };
  const runsLine = name === 'parallel' || (name === 'watch' && !read.options.some(({ option }) => option === '-x' || option === '--exec'));
  if (runsLine) return shellLineCommand(name, command);
  return command.length > 0 ? { command } : undefined;
}

/**
 * The command a wrapped argv runs at last, past every wrapper around it ([sudo, -u, dagster, nice, task, …] runs
 * [task, …]); the argv itself when it is no wrapper, or what it runs is hidden or none.
 */
export function innermostCommand(argv: Words): Words {
  const first = argv[0];
  if (first === undefined) return argv;
  const unwrapped = unwrap(first.slice(first.lastIndexOf('/') + 1), argv.slice(1));
  return unwrapped && 'command' in unwrapped ? innermostCommand(unwrapped.command) : argv;
}

/** env's command: past a lone - (-i, right after its options) and its NAME=value assignments. */
function envCommand(operands: Words): Words {
  const words = operands[0] === '-' ? operands.slice(1) : operands;
  const at = words.findIndex((word) => word === undefined || !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
  return at === -1 ? [] : words.slice(at);
}

/** What a shell reads as its own syntax in a command line: a list, a pipe, a redirection, a substitution. */
const shellSyntax = /[;&|<>`$()\n]/;

/**
 * watch (but with -x) and parallel hand their command to sh -c as one line, joined with spaces (parallel's up to its
 * ::: inputs, which it quotes): with shell syntax in it, it hides what runs; without, its words are read as sh splits them.
 */
function shellLineCommand(name: string, command: Words): Unwrapped | undefined {
  const inputs = command.findIndex((word) => word !== undefined && /^::::?\+?$/.test(word));
  const line = name === 'parallel' && inputs !== -1 ? command.slice(0, inputs) : command;
  if (line.some((word) => word !== undefined && shellSyntax.test(word))) return { hides: shellLineHides(name) };
  const words = [...line.flatMap((word) => (word === undefined ? [word] : word.trim().split(/\s+/))), ...command.slice(line.length)];
  return words.length > 0 ? { command: words } : undefined;
}

/** sg [-] group [-c] command: sh -c runs the command, one word, as the group; without one sg starts a shell. */
function sgCommand(rest: Words): Unwrapped | undefined {
  const afterLogin = rest[0] === '-' ? rest.slice(1) : rest;
  return afterLogin.length > 1 ? { hides: shellLineHides('sg', "run the command's own argv with the group instead: sudo -g <group> <command> …") } : undefined;
}

/**
 * su and runuser (runuser without -u is su) given -c (--command, --session-command), or a -c among the words after the user that they pass to the
 * user's shell, run a shell command line; runuser -u <user> runs its command's argv.
 */
function suCommand(name: string, rest: Words): Unwrapped | undefined {
  const read = readWords(rest, suSyntax);
  const given = read.options.find(({ option }) => ['-c', '--command', '--session-command'].includes(option));
  if (given) return { hides: shellLineHides(`${name} ${given.option}`, asUser) };
  if (name === 'runuser' && read.options.some(({ option }) => option === '-u' || option === '--user')) return read.operands.length > 0 ? { command: read.operands } : undefined;
  // su [-] [user [shell arguments …]]: -c, or a cluster holding it (-lc), among the shell's options.
  const shellArguments = read.operands[0] === '-' ? read.operands.slice(2) : read.operands.slice(1);
  const script = shellArguments.findIndex((word) => word === undefined || !word.startsWith('-'));
  const shellOptions = script === -1 ? shellArguments : shellArguments.slice(0, script);
  return shellOptions.some((word) => word !== undefined && /^-[A-Za-z]*c[A-Za-z]*$/.test(word)) ? { hides: shellLineHides(`${name} -c`, asUser) } : undefined;
}

/** ssh's -o keywords whose value is a command line: run on the remote host (RemoteCommand) or by a local shell. */
const sshCommandKeywords: Record<string, string> = {
  remotecommand: 'RemoteCommand',
  proxycommand: 'ProxyCommand',
  localcommand: 'LocalCommand',
  knownhostscommand: 'KnownHostsCommand',
};

/**
 * ssh [options] destination [options] [command …] runs the command, its words joined with spaces, as a shell command
 * line on the remote host; so does -o RemoteCommand=…, and -o ProxyCommand, LocalCommand or KnownHostsCommand run one here.
 */
function sshCommand(rest: Words): Unwrapped | undefined {
  const beforeDestination = readWords(rest, sshSyntax);
  // ssh reads options again after the destination, up to the command.
  const afterDestination = readWords(beforeDestination.operands.slice(1), sshSyntax);
  for (const { option, value } of [...beforeDestination.options, ...afterDestination.options]) {
    const setting = option === '-o' && value !== undefined ? /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/s.exec(value) : null;
    const keyword = setting ? sshCommandKeywords[(setting[1] as string).toLowerCase()] : undefined;
    if (!keyword || (setting?.[2] ?? '').trim().toLowerCase() === 'none') continue;
    if (keyword === 'RemoteCommand') return { hides: sshRemoteHides };
    return { hides: shellLineHides(`ssh -o ${keyword}`, keyword === 'ProxyCommand' ? 'use ssh -J <jump host> to go through another host' : withoutShell) };
  }
  return afterDestination.operands.length > 0 ? { hides: sshRemoteHides } : undefined;
}

/** The service commands a unit property gives (systemd.service's Exec…= settings); ExecSearchPath= is a path. */
const execSetting = /^(ExecCondition|ExecStartPre|ExecStart|ExecStartPost|ExecReload|ExecStop|ExecStopPost)=/;

/** systemd-run -p ExecStartPre=… (or --socket-property) runs another command than its own, which neither this check nor the plan sees. */
function execProperty(read: ReadWords): string | undefined {
  for (const { option, value } of read.options) {
    const setting = ['-p', '--property', '--socket-property'].includes(option) && value !== undefined ? execSetting.exec(value) : null;
    if (setting) return `systemd-run ${option} ${setting[1]}= runs a command given in a unit property, which hides it from this check and from the plan: run it as a step of its own`;
  }
  return undefined;
}
