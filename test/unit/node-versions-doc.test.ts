// The Node versions the README names are the ones package.json's engines allows, word for word.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/fixtures.js';

describe('the Node versions the README names', () => {
  it("quotes package.json's engines range in Set up and run", () => {
    const engines = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const setUp = readme.slice(readme.indexOf('## Set up and run'), readme.indexOf('### Test'));
    expect(setUp).toContain(`\`engines\` in \`package.json\` is \`${engines}\``);
  });
});
