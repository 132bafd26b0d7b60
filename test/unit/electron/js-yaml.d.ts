// js-yaml comes with electron-builder (which reads electron-builder.yml with it) but ships no types.
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
