/**
 * The ES-module half of ./hook.cjs: `import ... from 'electron'` resolves to the fake module of the process's role.
 * The URL it returns is a .ts file, which tsx's load hook (registered after this one, so it runs first) compiles.
 */
let target;
let specifiers = [];

export function initialize(data) {
  target = data.target;
  specifiers = data.specifiers;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifiers.includes(specifier)) return { url: target, shortCircuit: true };
  return nextResolve(specifier, context);
}
