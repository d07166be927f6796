// execa, loaded at the first command run: a CLI command that runs none (help, status) does not pay the 0.1 s of CPU
// its hundred modules take to load.
export const execaModule = () => import('execa');
