export * from "./run.js";
export * from "./process.js";
export * from "./stream.js";
export * from "./piped.js";
export * from "./ipc.js";
