export { readHostFacts, cgroupMode } from './host-facts.js';
export { readHostNeighbours } from './neighbours.js';
