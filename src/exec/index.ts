export * from "./run.js";
export * from "./process.js";
