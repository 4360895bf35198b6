/** Image references: the one grammar (Docker's normalisation) lives in util/image-reference.ts. */
export * from '../../util/image-reference.js';
