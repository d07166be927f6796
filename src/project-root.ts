// Where the bot's own folder is, from one of its modules' paths: the sources (src/…) or their build (dist/src/…).
import path from 'node:path';

/**
 * The bot's folder, from the path of a module directly under src/: built, it sits in dist/src/ (JavaScript, two
 * folders down); from the sources, in src/ (TypeScript, one down). Only the build's own place counts as the build: a
 * "dist" further up (a checkout under /srv/dist/) is any folder.
 */
export function projectRootOf(moduleFile: string): string {
  const folder = path.dirname(moduleFile);
  const built = path.extname(moduleFile) === '.js' && path.basename(folder) === 'src' && path.basename(path.dirname(folder)) === 'dist';
  return path.resolve(folder, '..', ...(built ? ['..'] : []));
}
