// Tests projectRootOf (src/project-root.ts): the bot's folder from a module's path, for the sources and the build, in a
// checkout under a folder named dist too.
import { describe, expect, it } from 'vitest';
import { projectRootOf } from '../../src/project-root.js';

describe("the bot's folder", () => {
  it.each([
    ['/srv/databox-bot/src/config.ts', '/srv/databox-bot'],
    ['/srv/databox-bot/dist/src/config.js', '/srv/databox-bot'],
    // The tester's checkout: under /srv/dist/, run from its sources, the bundled runbooks were looked for in /srv/dist.
    ['/srv/dist/databox-bot/src/config.ts', '/srv/dist/databox-bot'],
    ['/srv/dist/databox-bot/dist/src/config.js', '/srv/dist/databox-bot'],
    ['/opt/dist/src/config.ts', '/opt/dist'],
    ['/opt/dist/dist/src/config.js', '/opt/dist'],
  ])('from %s is %s', (moduleFile, root) => {
    expect(projectRootOf(moduleFile)).toBe(root);
  });
});
