/**
 * argv that runs a TypeScript file in a child node, the way tap runs tests (its TypeScript loader
 * from this process's exec arguments), for tests that need a separate process to signal or to run
 * under another user.
 */
export function tsChildArgv(script: string): string[] {
  const loader = process.execArgv.find((a) => a.includes('@tapjs/typescript'));
  if (!loader) throw new Error('not running under tap: no TypeScript loader to hand to the child');
  return [process.execPath, loader, script];
}

/** This environment without tap's per-process instrumentation, which a child does not need. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}
