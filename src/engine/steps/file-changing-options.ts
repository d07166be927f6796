// The options and subcommands that make sed, rsync and git edit, delete or discard files: what each does, in words.
import type { Words } from './interpreter-options.js';

/** What `sed`, `rsync` or `git` (a basename) does to files given `rest`, its words after its name; undefined when nothing. */
export function fileChangingOption(name: string, rest: Words): string | undefined {
  if (name === 'sed') return sedInPlace(rest);
  if (name === 'rsync') return rsyncChanging(rest);
  if (name === 'git') return gitDiscarding(rest);
  return undefined;
}

/** sed -i (alone, with a suffix, in a cluster) or --in-place, or any abbreviation of it; GNU sed reads options after its script too. */
function sedInPlace(rest: Words): string | undefined {
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i];
    if (word === '--') break;
    if (word === undefined || !word.startsWith('-') || word === '-') continue;
    if (word.startsWith('--')) {
      const long = word.replace(/=.*/s, '');
      if (long.length > 2 && '--in-place'.startsWith(long)) return `sed ${long} edits files in place`;
      if (['--expression', '--file', '--line-length'].includes(long) && !word.includes('=')) i += 1;
      continue;
    }
    for (let at = 1; at < word.length; at += 1) {
      const letter = word.charAt(at);
      if (letter === 'i') return `sed ${word.slice(0, at + 1)} edits files in place`;
      // -e, -f and -l take a value (a script, a file, a length): the rest of the word, or the next word.
      if ('efl'.includes(letter)) {
        if (at === word.length - 1) i += 1;
        break;
      }
    }
  }
  return undefined;
}

const rsyncDeletes = /^--(del|delete|delete-(before|during|delay|after|excluded|missing-args))$/;
const rsyncRemovesSources = /^--(remove-source-files|remove-sent-files)$/;

/** A dry run (-n alone or in a cluster, --dry-run) or a listing changes nothing. */
const rsyncChangesNothing = (word: string) => /^-[A-Za-z]*n[A-Za-z]*$/.test(word) || ['--dry-run', '--list-only', '--version', '--help', '-V'].includes(word);

/**
 * But in a dry run, rsync --delete and its variants delete at the destination, --remove-source-files deletes what was
 * sent, and any other rsync replaces the files at the destination that exist, as cp does.
 */
function rsyncChanging(rest: Words): string | undefined {
  const options = rest.slice(0, rest.includes('--') ? rest.indexOf('--') : rest.length).filter((word) => word !== undefined);
  if (options.some(rsyncChangesNothing)) return undefined;
  const deleting = options.find((word) => rsyncDeletes.test(word));
  if (deleting) return `rsync ${deleting} deletes files at the destination that the source does not have`;
  const removing = options.find((word) => rsyncRemovesSources.test(word));
  if (removing) return `rsync ${removing} deletes the source files it sent`;
  return 'rsync replaces the files at its destination that exist (a copy-file step never does)';
}

/** git's own options that take the next word as their value (git -C dir clean …). */
const gitValueOptions = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env']);

/** git push's options that rewrite or delete what the remote has. */
const gitPushForcing = new Set(['-f', '--force', '--force-with-lease', '--mirror', '-d', '--delete', '--prune']);

/**
 * git clean (but a dry run), reset --hard, checkout -- <path> or -f, switch -f or --discard-changes, restore of the
 * working tree, and a push that rewrites or deletes the remote's branches (forced, a +refspec, :branch, a mirror).
 */
function gitDiscarding(rest: Words): string | undefined {
  let i = 0;
  for (; i < rest.length; i += 1) {
    const word = rest[i];
    if (word === undefined) return undefined;
    if (!word.startsWith('-')) break;
    if (gitValueOptions.has(word)) i += 1;
  }
  const subcommand = rest[i];
  const args = rest.slice(i + 1);
  const has = (...options: string[]) => args.some((word) => word !== undefined && options.includes(word));
  const dryRun = args.some((word) => word === '--dry-run' || (word !== undefined && /^-[A-Za-z]*n[A-Za-z]*$/.test(word)));
  if (subcommand === 'clean' && !dryRun) return 'git clean deletes untracked files';
  if (subcommand === 'reset' && has('--hard')) return 'git reset --hard discards uncommitted changes to tracked files';
  if (subcommand === 'checkout' && has('--', '-f', '--force')) return 'git checkout with -- or -f discards uncommitted changes to the files it checks out';
  if (subcommand === 'switch' && has('-f', '--force', '--discard-changes')) return 'git switch with -f or --discard-changes discards uncommitted changes';
  if (subcommand === 'push' && !dryRun) {
    const forcing = args.find((word) => word !== undefined && (gitPushForcing.has(word.replace(/=.*/s, '')) || /^[+:]./.test(word)));
    if (forcing) return `git push ${forcing} rewrites or deletes branches on the remote`;
  }
  // Only --staged (-S) without --worktree (-W) leaves the files alone.
  if (subcommand === 'restore' && (!has('--staged', '-S') || has('--worktree', '-W'))) return 'git restore discards uncommitted changes to the files it restores';
  return undefined;
}
