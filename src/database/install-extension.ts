// Installs the motherduck DuckDB extension into a directory ahead of time (the Docker build runs this), so the bot
// never downloads it at run time: `node dist/src/database/install-extension.js /opt/duckdb/extensions`.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

/** INSTALL motherduck into `directory` with this DuckDB (its version and platform pick the file); returns where it landed. */
export async function installMotherDuckExtension(directory: string, options: Record<string, string> = {}): Promise<string> {
  fs.mkdirSync(directory, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { ...options, extension_directory: directory });
  try {
    const connection = await instance.connect();
    try {
      await connection.run('INSTALL motherduck');
      const rows = (await connection.runAndReadAll(`SELECT installed, install_path FROM duckdb_extensions() WHERE extension_name = 'motherduck'`)).getRowsJson() as [boolean, string][];
      const [installed, installPath] = rows[0] ?? [false, ''];
      if (!installed || !fs.existsSync(installPath)) throw new Error(`INSTALL motherduck reported no installed file in ${directory}`);
      return installPath;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const directory = process.argv[2];
  if (!directory) {
    console.error('usage: node install-extension.js <extension directory>');
    process.exit(2);
  }
  installMotherDuckExtension(path.resolve(directory)).then(
    (installed) => console.log(`motherduck extension installed at ${installed}`),
    (error: Error) => {
      console.error(`could not install the motherduck extension: ${error.message.split('\n')[0]}`);
      process.exit(1);
    },
  );
}
