/** The part of js-yaml 4's API conet uses (the package ships no types; @types/js-yaml isn't installed). */
declare module 'js-yaml' {
  interface Schema {
    readonly __schema: unique symbol;
  }
  interface LoadOptions {
    schema?: Schema;
    json?: boolean;
  }
  const yaml: {
    JSON_SCHEMA: Schema;
    loadAll(text: string, iterator?: undefined, options?: LoadOptions): unknown[];
    dump(value: unknown): string;
  };
  export default yaml;
}
