export * from './options.js';
export { validInsecureEntry, isInsecure } from './insecure.js';
export { registriesConf } from './registries-conf.js';
export { Puller, type PullerDeps } from './pull.js';
export { Pusher, type PushTag, type PushedTag, type PushImage } from './push.js';
