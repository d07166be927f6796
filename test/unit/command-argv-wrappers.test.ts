// Tests the wrappers a command step's argv is read through (src/engine/steps/wrapped-command.ts): the command each runs is checked, and one given a shell command line is refused.
import { describe, expect, it } from 'vitest';
import { argvIssues } from '../../src/engine/steps/command-argv-rules.js';
import { useTempDirs } from '../support/fixtures.js';
import { bundled, refusalOf } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-argv-wrappers-');
const messages = (argv: string[], destructive = false) => argvIssues(argv, destructive).map((issue) => `${issue.at.join('.')}: ${issue.message}`);

const destructiveAdvice = 'set destructive: true (and mutates: true), so the plan marks it and a teammate approves it; no diagnosis or validation may run it';
const rmRefusal = `destructive: rm deletes files: ${destructiveAdvice}`;
const withoutShell = "the bot runs argv without a shell, so list the command's own argv instead (one step per command)";
const shellLineRefusal = (given: string, instead = withoutShell) => `argv: ${given} runs a shell command line, which hides what it runs from this check and from the plan: ${instead}`;
const asUser = 'run the command\'s own argv as the user instead: runuser -u <user> -- <command> … or sudo -u <user> <command> …';
const sshRefusal =
  'argv: ssh with a command runs it as a shell command line on another host, which hides what it runs from this check and from the plan: a step runs its own argv on the bot\'s host, so run this one where the bot runs, one step per command';

describe('a command run through nsenter, runuser -u, setpriv, prlimit, numactl, systemd-run, cgexec or firejail', () => {
  it('is checked past the wrapper\'s options and the values they take', () => {
    const wrapped = [
      ['nsenter', '-t', '1', '-m'], ['nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid'], ['nsenter', '-t1', '-m/proc/1/ns/mnt'], ['nsenter', '-a', '-t', '1', '-S', '0', '-G', '0'],
      ['nsenter', '--mount=/proc/1/ns/mnt', '--wd=/srv', '-t', '1', '--'],
      ['runuser', '-u', 'postgres', '--'], ['runuser', '-u', 'postgres'], ['runuser', '--user=postgres', '-g', 'dagster', '--'], ['runuser', '-p', '-u', 'postgres', '-w', 'TZ', '--'],
      ['setpriv', '--reuid=1000'], ['setpriv', '--reuid', '1000', '--regid', '1000', '--init-groups'], ['setpriv', '--inh-caps', '-all', '--no-new-privs'], ['setpriv', '--pdeathsig', 'TERM', '--'],
      ['prlimit', '--nofile=1024'], ['prlimit', '-n1024', '--as=1G'], ['prlimit', '--cpu=10:20', '-o', 'RESOURCE,SOFT'],
      ['numactl', '--cpunodebind=0'], ['numactl', '-N', '0', '-m', '0'], ['numactl', '--interleave', 'all', '--'], ['numactl', '-l'], ['numactl', '--physcpubind', '0-3', '--preferred', '0'],
      ['systemd-run', '--scope'], ['systemd-run', '--user', '--wait', '-p', 'MemoryMax=1G', '--unit', 'cleanup'], ['systemd-run', '--uid=dagster', '--pipe', '--'], ['systemd-run', '-qPu', 'cleanup'],
      ['systemd-run', '--on-active', '5m', '--description', 'nightly cleanup', '-E', 'TZ=UTC'],
      ['cgexec', '-g', 'cpu,memory:databox'], ['cgexec', '-g', '*:databox', '--sticky'],
      ['firejail', '--noprofile', '--private-tmp'], ['firejail', '--quiet', '--'], ['firejail', '--net=none', '--whitelist=~/databox'],
      // Short options clustered as getopt reads them: sudo -E and -u together, the user their value.
      ['sudo', '-Eu', 'postgres'],
    ];
    for (const wrapper of wrapped) expect(messages([...wrapper, 'rm', '-rf', 'data/databox.duckdb']), wrapper.join(' ')).toEqual([rmRefusal]);
  });

  it('takes an option\'s value as its value, and no further: an optional value is only ever attached', () => {
    // The word after an option that takes a value is that value, not the command.
    for (const wrapper of [
      ['nsenter', '-t', 'rm'], ['runuser', '-u', 'rm', '--'], ['setpriv', '--groups', 'rm'], ['numactl', '--membind', 'rm'], ['systemd-run', '--unit', 'rm'], ['cgexec', '-g', 'rm'], ['prlimit', '--pid', 'rm'],
    ]) {
      expect(messages([...wrapper, 'ls', 'data']), wrapper.join(' ')).toEqual([]);
    }
    // nsenter -m and prlimit --nofile take their value attached (-m/path, --nofile=1024) or none: the next word is the command.
    expect(messages(['nsenter', '-t', '1', '-m', 'rm', 'x'])).toEqual([rmRefusal]);
    expect(messages(['prlimit', '--nofile', 'rm', 'x'])).toEqual([rmRefusal]);
    // runuser's options are its own up to --, wherever they are; what follows -- is the command's (psql -c is psql's).
    expect(messages(['runuser', '-u', 'postgres', '--', 'psql', '-c', 'SELECT 1'])).toEqual([]);
  });

  it('is checked for what it runs: a stack writer behind a wrapper must be marked mutates, and inline code is refused', () => {
    expect(argvIssues(['nice', 'numactl', '--cpunodebind=0', 'uv', 'run', 'sqlmesh', 'run'], false, false).map((issue) => issue.message)).toEqual([
      "sqlmesh run changes the warehouse, SQLMesh's state or the project's files: it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path",
    ]);
    expect(messages(['runuser', '-u', 'dagster', '--', 'python3', '-c', 'print(1)'])).toEqual([
      'argv: python3 -c runs code given inline, which hides what it runs from this check and from the plan: put the code in a script file under the databox checkout and run that instead (python3 <script>.py …)',
    ]);
  });

  it('is found in env -S\'s split string, as env splits it, and past env -', () => {
    expect(messages(['env', '-S', 'rm -rf data/databox.duckdb'])).toEqual([rmRefusal]);
    expect(messages(['env', '--split-string=TZ=UTC rm -rf data', 'x'])).toEqual([rmRefusal]);
    expect(messages(['env', '-S', 'sh -c ls'])).toEqual([
      `argv: sh -c runs a shell script, which hides what it runs from this check and from the plan: ${withoutShell}`,
    ]);
    expect(messages(['env', '-S', 'ls -l', 'data'])).toEqual([]);
    // A lone - is env's -i, not its command.
    expect(messages(['env', '-', 'PATH=/usr/bin', 'rm', 'x'])).toEqual([rmRefusal]);
  });
});

describe('a wrapper given a shell command line', () => {
  it('is refused as sh -c is, marked or not, naming the wrapper: su -c, runuser -c, script -c, sg', () => {
    expect(messages(['su', '-c', 'rm -rf data', 'postgres'])).toEqual([shellLineRefusal('su -c', asUser)]);
    expect(messages(['su', '-', 'postgres', '-c', 'ls'], true)).toEqual([shellLineRefusal('su -c', asUser)]);
    expect(messages(['su', '-lc', 'ls', 'postgres'])).toEqual([shellLineRefusal('su -c', asUser)]);
    expect(messages(['/usr/bin/su', 'postgres', '--command=ls'])).toEqual([shellLineRefusal('su --command', asUser)]);
    expect(messages(['su', '--session-command', 'ls', 'postgres'])).toEqual([shellLineRefusal('su --session-command', asUser)]);
    // Words after su's user (and --) go to the user's shell: -c among them is the shell's.
    expect(messages(['su', 'postgres', '--', '-c', 'ls'])).toEqual([shellLineRefusal('su -c', asUser)]);
    expect(messages(['runuser', '-l', 'postgres', '-c', 'rm -rf data'])).toEqual([shellLineRefusal('runuser -c', asUser)]);
    expect(messages(['script', '-qc', 'rm -rf data', '/dev/null'])).toEqual([shellLineRefusal('script -c')]);
    expect(messages(['script', '-q', '-e', '--command', 'ls', 'out.txt'])).toEqual([shellLineRefusal('script --command')]);
    expect(messages(['script', '-E', 'never', 'out.txt', '--command=ls'])).toEqual([shellLineRefusal('script --command')]);
    const asGroup = "run the command's own argv with the group instead: sudo -g <group> <command> …";
    expect(messages(['sg', 'docker', 'docker ps'])).toEqual([shellLineRefusal('sg', asGroup)]);
    expect(messages(['sg', '-', 'docker', '-c', 'ls'])).toEqual([shellLineRefusal('sg', asGroup)]);
    // Behind another wrapper too.
    expect(messages(['sudo', 'su', 'postgres', '-c', 'ls'])).toEqual([shellLineRefusal('su -c', asUser)]);
    // flock -c takes the command line only right after the lock file; a -c later is the command's own.
    expect(messages(['flock', '/tmp/l', '-c', 'ls'])).toEqual([shellLineRefusal('flock -c')]);
    expect(messages(['flock', '-w', '5', '/tmp/l', 'psql', '-c', 'SELECT 1'])).toEqual([]);
  });

  it('is refused given by watch or parallel with shell syntax in it, which their sh -c would run', () => {
    expect(messages(['watch', '-n', '5', 'ls data; rm -rf data'])).toEqual([shellLineRefusal('watch')]);
    expect(messages(['parallel', 'gzip {} && rm {}', ':::', 'a', 'b'])).toEqual([shellLineRefusal('parallel')]);
    expect(messages(['watch', 'echo $(date)'])).toEqual([shellLineRefusal('watch')]);
    // Without shell syntax, the line is read as that shell splits it; watch -x runs argv.
    expect(messages(['watch', 'ls -l data'])).toEqual([]);
    expect(messages(['watch', '-x', 'ls', 'a;b'])).toEqual([]);
  });

  it('is not refused running the user\'s shell on a script file, or with nothing to run', () => {
    expect(messages(['su', 'postgres', 'scripts/check.sh'])).toEqual([]);
    expect(messages(['runuser', '-l', 'postgres'])).toEqual([]);
    expect(messages(['script', '-q', 'out.txt'])).toEqual([]);
  });

  it('refuses ssh with a remote command, or one given by -o: what runs on another host is not this check\'s to see', () => {
    expect(messages(['ssh', 'db1', 'rm -rf /data'])).toEqual([sshRefusal]);
    expect(messages(['ssh', '-i', '~/.ssh/ops', '-p', '2222', 'ops@db1', 'ls', '-l'])).toEqual([sshRefusal]);
    expect(messages(['ssh', '-tt', '-oBatchMode=yes', 'db1', 'ls'])).toEqual([sshRefusal]);
    // ssh reads its options after the destination too, then the command.
    expect(messages(['ssh', 'db1', '-p', '22', 'ls'])).toEqual([sshRefusal]);
    expect(messages(['timeout', '30s', 'ssh', 'db1', 'systemctl', 'status', 'dagster'])).toEqual([sshRefusal]);
    expect(messages(['ssh', '-o', 'RemoteCommand=ls', 'db1'])).toEqual([sshRefusal]);
    expect(messages(['ssh', '-o', 'ProxyCommand nc %h %p', 'db1'])).toEqual([shellLineRefusal('ssh -o ProxyCommand', 'use ssh -J <jump host> to go through another host')]);
    expect(messages(['ssh', '-oLocalCommand=rm -rf data', 'db1'])).toHaveLength(1);
    // Without a command ssh runs none given here: a control command, a port forward.
    expect(messages(['ssh', '-O', 'check', 'db1'])).toEqual([]);
    expect(messages(['ssh', '-N', '-L', '5432:localhost:5432', 'db1'])).toEqual([]);
    expect(messages(['ssh', '-o', 'ProxyCommand=none', '-i', 'key', 'db1'])).toEqual([]);
  });

  it('refuses systemd-run given another command in a unit property (ExecStartPre= …)', () => {
    const propertyRefusal = (given: string) =>
      `argv: systemd-run ${given} runs a command given in a unit property, which hides it from this check and from the plan: run it as a step of its own`;
    expect(messages(['systemd-run', '-p', 'ExecStartPre=/bin/rm -rf data', 'ls'])).toEqual([propertyRefusal('-p ExecStartPre=')]);
    expect(messages(['systemd-run', '--property=ExecStopPost=/bin/rm x', '--scope', 'ls'])).toEqual([propertyRefusal('--property ExecStopPost=')]);
    expect(messages(['systemd-run', '-p', 'ExecSearchPath=/opt/bin', 'ls'])).toEqual([]);
  });
});

describe('in a runbook', () => {
  const step = (argv: unknown[], id = 'planted') => ({ id, kind: 'command', title: 'A planted command', argv });

  it('refuses a diagnosis step that removes the database through nsenter, naming the step', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps.push(step(['nsenter', '-t', '1', '-m', 'rm', '-rf', '{{database_path}}']));
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual([`at diagnosis.steps[4].${rmRefusal}`]);
  });

  it('refuses su -c and ssh with a remote command in a validation', () => {
    const doc = bundled('duckdb.yml');
    doc.validation.steps.push(step(['su', 'dagster', '-c', 'task verify']));
    doc.validation.steps.push(step(['ssh', 'db1', 'ls', '/data'], 'planted_remote'));
    const at = doc.validation.steps.length - 2;
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual([`at validation.steps[${at}].${shellLineRefusal('su -c', asUser)}`, `at validation.steps[${at + 1}].${sshRefusal}`]);
  });
});
