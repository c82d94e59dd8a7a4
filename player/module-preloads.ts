// The chunks each page's script imports, as the build found them (player/build.ts writes
// dist/module-preloads.json): the server names them in the page as <link rel="modulepreload">, so the
// browser fetches them beside the page's script instead of one round trip after it has read it.
export const modulePreloadsFile = 'module-preloads.json';

/** Per bundle: paths under dist of the chunks it imports at once, and of those it may import later. */
export type ModulePreloads = Record<string, { static: string[]; dynamic: string[] }>;
